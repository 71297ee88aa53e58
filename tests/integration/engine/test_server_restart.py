"""A job running when its Temporal dev server stops, and starts again on the same SQLite
file, completes: nothing of the job lived anywhere but Temporal."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.runtime.context import PhaseResources
from bench.support.counting import counting_registry, processed_items
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.cli.server.worker import build_worker
from jobwire.contract.publishing import MemoryPublisher
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually

pytestmark = pytest.mark.integration


async def test_a_job_survives_a_restart_of_the_temporal_server(
    settings: Settings, redis: Redis, tmp_path: Path
) -> None:
    server = TemporalDevServer.in_folder(tmp_path)
    await server.start()
    settings = settings.model_copy(update={"temporal_address": server.address})
    registry = counting_registry()
    try:
        client = await Client.connect(server.address, data_converter=pydantic_data_converter)
        jobs = JobService(client, settings, registry)
        async with httpx.AsyncClient() as http:
            resources = PhaseResources(settings=settings, redis=redis, http=http)
            worker = build_worker(client, settings, resources, MemoryPublisher(), registry)
            async with worker:
                record, _ = await jobs.submit(
                    "sam", {"type": "count", "items": 60, "item_seconds": 0.1}
                )

                async def going() -> bool:
                    return len(await processed_items(redis, record.job_id)) >= 10

                await assert_eventually(going, timeout=60, message="the job never got going")
                await server.stop()
                stopped_at = len(await processed_items(redis, record.job_id))
                await server.start()

                async def done() -> bool:
                    current = await jobs.get("sam", record.job_id)
                    return current.state is JobState.COMPLETED

                await assert_eventually(done, timeout=120, message="never completed")
            final = await jobs.get("sam", record.job_id)
    finally:
        await server.stop()
    assert final.result == {"total": 60, "after": ["count"]}
    items = await processed_items(redis, record.job_id)
    assert sorted(set(items)) == list(range(60)), "nothing is lost"
    assert stopped_at < 60, "the server was down while the job was mid-phase"
