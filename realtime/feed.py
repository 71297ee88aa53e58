"""Follows the one feed stream every worker copies each numbered event to: one task and one
blocking ``XREAD`` for all clients here, skipping users with none. A Redis error flips the
feed to degraded; the first read that succeeds flips it back, from the last entry read."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from jobwire import redis_keys as keys
from jobwire.cancellation import raise_if_cancelled
from jobwire.contract.events import JobEvent
from jobwire.observability.tracing import span_continuing
from jobwire.projection.events import decode_event

log = logging.getLogger(__name__)
BLOCK_MS = 100
"""How long one XREAD waits: an idle instance pays ten cheap calls a second."""


@dataclass(eq=False)
class Feed:
    redis: Redis
    on_event: Callable[[str, JobEvent], Awaitable[None]]
    on_status: Callable[[bool, str], Awaitable[None]]
    wanted: Callable[[str], bool]
    position: str | None = None
    """None while nobody is connected here: the feed is not read."""
    live: bool = True

    async def follow(self) -> None:
        """From the feed's end: what came before is the subscriptions' to read."""
        if self.position is None:
            self.position = "$"
            with contextlib.suppress(RedisError, OSError):
                newest: Any = await self.redis.xrevrange(keys.FEED, count=1)
                self.position = str(newest[0][0]) if newest else "0-0"

    async def read_forever(self) -> None:
        backoff = 0.25
        while True:
            raise_if_cancelled()  # redis-py may have swallowed the cancel inside xread
            if self.position is None:
                await asyncio.sleep(BLOCK_MS / 1000)
                continue
            try:
                stream: Any = {keys.FEED: self.position}
                found: Any = await self.redis.xread(stream, block=BLOCK_MS, count=500)
            except (RedisError, OSError) as exc:
                await self._status(False, f"Redis is unreachable: {exc}")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            backoff = 0.25
            await self._status(True, "Redis is reachable again")
            for _stream, entries in found or []:
                await self._deliver(entries)

    async def _status(self, live: bool, detail: str) -> None:
        if live != self.live:
            self.live = live
            log.warning("live feed %s: %s", "restored" if live else "degraded", detail)
            await self.on_status(live, detail)

    async def _deliver(self, entries: list[Any]) -> None:
        for entry_id, fields in entries:
            self.position = None if self.position is None else str(entry_id)
            user_id = str(fields[keys.USER_FIELD])
            if not self.wanted(user_id):
                continue
            event = decode_event(f"{fields[keys.SEQ_FIELD]}-0", fields[keys.EVENT_FIELD])
            try:
                trace = fields.get(keys.TRACE_FIELD)
                with span_continuing(
                    "jobwire.socket_send", trace, job_id=event.job_id, seq=event.seq
                ):
                    await self.on_event(user_id, event)
            except Exception:  # one bad delivery must not stop the feed
                log.exception("delivering %s failed", event.job_id)
