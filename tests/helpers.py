"""Small helpers shared by the tests: polling instead of sleeping, and an address that refuses."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def refused_port(host: str = "127.0.0.1") -> Iterator[int]:
    """A port that refuses every connection for as long as the block runs.

    A port merely picked free is closed again at once, and on a busy suite another process
    may bind it before it is dialled, then accept and never answer (a test once waited out
    its whole timeout that way). Held bound and never listening, this one answers each
    connect with a refusal."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind((host, 0))
        yield int(held.getsockname()[1])
