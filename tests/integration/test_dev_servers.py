"""The session's real servers come up with what jobwire needs, and survive a restart."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.contract.workflow_api import SEARCH_ATTRIBUTES

pytestmark = pytest.mark.integration


async def test_dev_server_registers_jobwire_search_attributes(temporal_client: Client) -> None:
    from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest

    response = await temporal_client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    for key in SEARCH_ATTRIBUTES:
        assert key.name in response.custom_attributes


async def test_redis_keeps_data_across_a_restart(redis_dev, redis: Redis) -> None:
    await redis.set("jobwire:test:persist", "kept")
    await redis.aclose()
    await redis_dev.stop()
    await redis_dev.start()
    client = Redis.from_url(redis_dev.url, decode_responses=True)
    try:
        assert await client.get("jobwire:test:persist") == "kept"
    finally:
        await client.aclose()
