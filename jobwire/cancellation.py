"""Loops that live until cancelled, made to stop even when a library swallows the cancel.

redis-py can turn a cancellation that lands inside one of its calls into an error of its own,
or retry past it; a loop that rides out Redis errors then goes on as if never cancelled (seen
in the worker-presence loop: still renewing after its task was cancelled, so whoever awaited
it waited forever). Python keeps the request on the task (``Task.cancelling``), so a loop can
check for it once per turn."""

from __future__ import annotations

import asyncio


def raise_if_cancelled() -> None:
    """Raises ``CancelledError`` when the running task was asked to stop and has not been
    told to go on (``uncancel``), whatever happened to the error that asked."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
