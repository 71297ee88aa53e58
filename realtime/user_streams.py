"""Follows the feed stream for the users connected to this API instance.

One task and one blocking ``XREAD`` of the one feed every worker appends to, however many
users and connections there are, so a thousand clients cost one Redis connection; events of
users with no connection here are skipped. The stream is the delivery path (python-socketio's
Redis manager is pub/sub with no replay); a Redis error flips the feed to degraded, and it
flips back, continuing from the last entry read, as soon as a read succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
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
"""How long one XREAD waits; also how late, at worst, a newly connected user's first events
arrive (a blocked XREAD cannot take in a new stream, and cancelling it would cost the
Redis connection). An idle instance pays ten cheap calls a second for this."""


class UserStreams:
    def __init__(self, redis: Redis, on_event: OnEvent, on_status: OnStatus) -> None:
        self._redis = redis
        self._on_event = on_event
        self._on_status = on_status
        self._followers: Counter[str] = Counter()
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

    async def follow(self, user_id: str) -> None:
        """Events of ``user_id`` from the feed's current end: what came before is the replay's
        job."""
        self._followers[user_id] += 1
        if self._position is None:
            self._position = "$"
            with contextlib.suppress(RedisError, OSError):
                newest: Any = await self._redis.xrevrange(keys.FEED, count=1)
                self._position = str(newest[0][0]) if newest else "0-0"

    def unfollow(self, user_id: str) -> None:
        self._followers[user_id] -= 1
        if self._followers[user_id] <= 0:
            del self._followers[user_id]
        if not self._followers:
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
            if user_id not in self._followers:
                continue
            event = decode_event(f"{fields[keys.SEQ_FIELD]}-0", fields[keys.EVENT_FIELD])
            try:
                with span("jobwire.socket_send", job_id=event.job_id, seq=event.seq):
                    await self._on_event(user_id, event)
            except Exception:  # one bad delivery must not stop the feed
                log.exception("delivering %s failed", event.job_id)
