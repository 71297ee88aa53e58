"""Loops that run until cancelled stop even when the Redis client swallows the cancel.

The stand-in below does what redis-py was seen doing under load: a cancellation that lands
inside its call comes out as a Redis error (or a plain answer), never as ``CancelledError``.
Without ``raise_if_cancelled`` both loops went on for good, and whoever awaited them hung."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from jobwire.cancellation import raise_if_cancelled
from jobwire.jobs.worker_presence import keep_present
from realtime.feed import Feed


class SwallowingRedis:
    """Every call waits a while; a cancel during the wait becomes a Redis error."""

    def __init__(self) -> None:
        self.called = asyncio.Event()

    async def _swallow(self) -> None:
        self.called.set()
        try:
            await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            raise RedisConnectionError("connection lost (the cancel, swallowed)") from None
        raise RedisConnectionError("down")

    async def time(self) -> Any:
        await self._swallow()

    async def xread(self, *args: Any, **kwargs: Any) -> Any:
        await self._swallow()


async def stops_when_cancelled(loop: asyncio.Task[None], redis: SwallowingRedis) -> None:
    await asyncio.wait_for(redis.called.wait(), 5)
    loop.cancel()
    done, _ = await asyncio.wait([loop], timeout=5)
    assert done, "the loop went on after it was cancelled"
    assert loop.cancelled()


async def test_the_presence_loop_stops_when_its_cancel_is_swallowed() -> None:
    redis = SwallowingRedis()
    loop = asyncio.create_task(keep_present(redis, "q", "w@host", 0.0))  # type: ignore[arg-type]
    await stops_when_cancelled(loop, redis)


async def test_the_feed_stops_when_its_cancel_is_swallowed() -> None:
    redis = SwallowingRedis()

    async def nothing(*args: Any) -> None:
        return None

    feed = Feed(redis, nothing, nothing, lambda user: True, position="0-0")  # type: ignore[arg-type]
    await stops_when_cancelled(asyncio.create_task(feed.read_forever()), redis)


async def test_a_task_told_to_go_on_is_not_stopped_and_one_that_was_not_is() -> None:
    async def swallowed(*, go_on: bool) -> str:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            if go_on:
                task.uncancel()
        raise_if_cancelled()
        return "went on"

    assert await asyncio.create_task(swallowed(go_on=True)) == "went on"
    with pytest.raises(asyncio.CancelledError):
        await asyncio.create_task(swallowed(go_on=False))
