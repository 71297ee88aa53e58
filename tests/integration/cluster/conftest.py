"""A three-master Redis Cluster for the session, and a client of it made the way jobwire
makes one (``JOBWIRE_REDIS_CLUSTER``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from redis.asyncio import Redis

from jobwire.connections.redis_client import connect_redis
from jobwire.settings import Settings
from tests.support.redis_cluster import ClusterNode, redis_cluster


@pytest_asyncio.fixture(scope="session")
async def cluster_nodes(servers_dir: Path) -> AsyncIterator[list[ClusterNode]]:
    async with redis_cluster(servers_dir / "cluster") as nodes:
        yield nodes


@pytest_asyncio.fixture
async def cluster(cluster_nodes: list[ClusterNode]) -> AsyncIterator[Redis]:
    settings = Settings(_env_file=None, redis_url=cluster_nodes[0].url, redis_cluster=True)
    client = connect_redis(settings)
    yield client
    await client.aclose()
