"""The worker is built from the settings, including what the SDK's defaults get wrong for us."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from activities.runtime.context import PhaseResources
from bench.support.counting import counting_registry
from jobwire.cli.server.worker import build_worker
from jobwire.contract.publishing import MemoryPublisher
from jobwire.settings import Settings

pytestmark = pytest.mark.integration


async def test_a_killed_workers_jobs_wait_for_it_only_as_long_as_the_settings_say(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    settings = settings.model_copy(update={"sticky_queue_timeout_seconds": 1.5})
    async with httpx.AsyncClient() as http:
        resources = PhaseResources(settings=settings, redis=redis, http=http)
        worker = build_worker(
            temporal_client, settings, resources, MemoryPublisher(), counting_registry()
        )
        config = worker.config()
    assert config["sticky_queue_schedule_to_start_timeout"] == timedelta(seconds=1.5)
    assert config["task_queue"] == settings.task_queue
