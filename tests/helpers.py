"""Small helpers shared by the tests: polling instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def assert_eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    timeout: float = 30.0,
    interval: float = 0.1,
    message: str = "condition never held",
) -> T:
    """Calls ``probe`` until it returns a truthy value or stops raising AssertionError."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last_error: AssertionError | None = None
    while loop.time() < deadline:
        try:
            value = await probe()
        except AssertionError as exc:
            last_error = exc
        else:
            if value:
                return value
        await asyncio.sleep(interval)
    if last_error is not None:
        raise AssertionError(f"{message}: {last_error}") from last_error
    raise AssertionError(message)
