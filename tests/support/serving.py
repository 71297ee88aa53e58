"""Serves an ASGI app with uvicorn on a real loopback port inside the test's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from tests.helpers import assert_eventually


@asynccontextmanager
async def serving(app: Any, port: int, **options: Any) -> AsyncIterator[str]:
    """Yields the base URL once uvicorn accepts connections (lifespan included)."""
    # A request still running at the end is cut off after a while rather than waited for:
    # a handler that never returns would otherwise hold the test until its timeout, hiding
    # what the test itself reported.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=15,
        **options,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        if task.done():
            task.result()
        return server.started

    try:
        await assert_eventually(started, timeout=20, interval=0.02, message="uvicorn never started")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
