"""The wait for an Update that a worker must take, bounded.

Temporal holds an Update until a workflow task takes it, and the SDK polls for it without
end; with no worker polling (or one stuck) a caller would wait for ever, and so would a
server shutting down under it. Every Update a request waits on goes through here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError

from jobwire.errors import NoWorkerAnswered

T = TypeVar("T")


async def worker_answer(update: Awaitable[T], seconds: float, unanswered: str) -> T:
    """The Update's answer; ``NoWorkerAnswered(unanswered)`` (503) past ``seconds``."""
    try:
        return await asyncio.wait_for(update, seconds)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        # The SDK turns the wait's cancellation into its own error.
        raise NoWorkerAnswered(unanswered) from None
