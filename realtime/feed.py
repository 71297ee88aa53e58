"""Follows the feed stream that every worker copies each numbered event to.

One task and one blocking ``XREAD`` however many clients are connected, so a thousand
clients cost one Redis connection; events of users with no connection here are skipped
unread. A Redis error flips the feed to degraded, and it flips back, continuing from the
last entry read, as soon as a read succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from jobwire import redis_keys as keys
from jobwire.contract.events import JobEvent
from jobwire.observability.tracing import span
from realtime.replay import decode_event

log = logging.getLogger(__name__)

OnEvent = Callable[[str, JobEvent], Awaitable[None]]
OnStatus = Callable[[bool, str], Awaitable[None]]

BLOCK_MS = 100
"""How long one XREAD waits; an idle instance pays ten cheap calls a second for this."""


class Feed:
    def __init__(
        self, redis: Redis, on_event: OnEvent, on_status: OnStatus, wanted: Callable[[str], bool]
    ) -> None:
        self._redis = redis
        self._on_event = on_event
        self._on_status = on_status
        self._wanted = wanted
        self._position: str | None = None
        self._task: asyncio.Task[None] | None = None
        self.live = True

    def start(self) -> None:
        self._task = asyncio.create_task(self._read_forever(), name="feed-follower")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def follow(self) -> None:
        """Reads on from the feed's current end, if it was resting: what came before is the
        subscriptions' to read from the jobs' streams."""
        if self._position is None:
            self._position = "$"
            with contextlib.suppress(RedisError, OSError):
                newest: Any = await self._redis.xrevrange(keys.FEED, count=1)
                self._position = str(newest[0][0]) if newest else "0-0"

    def rest(self) -> None:
        """Nobody is connected here: the feed is not read until someone is."""
        self._position = None

    async def _read_forever(self) -> None:
        backoff = 0.25
        while True:
            if self._position is None:
                await asyncio.sleep(BLOCK_MS / 1000)
                continue
            try:
                found: Any = await self._redis.xread(
                    {keys.FEED: self._position}, block=BLOCK_MS, count=500
                )
            except (RedisError, OSError) as exc:
                if self.live:
                    self.live = False
                    log.warning("live feed degraded: %s", exc)
                    await self._on_status(False, f"Redis is unreachable: {exc}")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            backoff = 0.25
            if not self.live:
                self.live = True
                log.info("live feed restored")
                await self._on_status(True, "Redis is reachable again")
            for _stream, entries in found or []:
                await self._deliver(entries)

    async def _deliver(self, entries: list[Any]) -> None:
        for entry_id, fields in entries:
            if self._position is not None:
                self._position = str(entry_id)
            user_id = str(fields[keys.USER_FIELD])
            if not self._wanted(user_id):
                continue
            event = decode_event(f"{fields[keys.SEQ_FIELD]}-0", fields[keys.EVENT_FIELD])
            try:
                with span("jobwire.socket_send", job_id=event.job_id, seq=event.seq):
                    await self._on_event(user_id, event)
            except Exception:  # one bad delivery must not stop the feed
                log.exception("delivering %s failed", event.job_id)
