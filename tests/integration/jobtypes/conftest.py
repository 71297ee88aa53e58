"""An in-process worker with the built-in job types, publishing to the real Redis feed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.contract.records import JobRecord
from jobwire.contract.registry import job_types
from jobwire.jobs.service import JobService
from jobwire.services import Services
from jobwire.settings import Settings
from jobwire.worker import feed_publisher, running_worker
from tests.helpers import assert_eventually

RunJob = Callable[[dict[str, Any]], Awaitable[JobRecord]]


@pytest.fixture
def files_root(tmp_path: Path) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    return root


@pytest.fixture
def job_settings(settings: Settings, files_root: Path) -> Settings:
    return settings.model_copy(update={"files_root": files_root})


@pytest_asyncio.fixture
async def jobs(
    job_settings: Settings, temporal_client: Client, redis: Redis
) -> AsyncIterator[JobService]:
    services = Services(settings=job_settings, temporal=temporal_client, redis=redis)
    async with running_worker(job_settings, services, feed_publisher(services), job_types):
        yield JobService(temporal_client, job_settings, job_types)


@pytest.fixture
def run_job(jobs: JobService) -> RunJob:
    async def run(spec: dict[str, Any]) -> JobRecord:
        record, _ = await jobs.submit("tester", spec)

        async def finished() -> JobRecord | None:
            current = await jobs.get("tester", record.job_id)
            return current if current.state.is_terminal else None

        done = await assert_eventually(finished, timeout=120, message="the job never finished")
        assert done is not None
        return done

    return run
