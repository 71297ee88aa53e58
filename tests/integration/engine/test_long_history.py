"""A long job continues as new before its history grows large, carrying its state along."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client, WorkflowExecutionStatus

from activities.runtime.context import PhaseResources
from bench.support.counting import counting_registry, processed_items
from jobwire.cli.server.worker import build_worker
from jobwire.contract.publishing import MemoryPublisher
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def chatty_jobs(
    settings: Settings, temporal_client: Client, redis: Redis
) -> AsyncIterator[JobService]:
    """Progress reports every 20 ms and a 100-event history limit: many rollovers."""
    settings = settings.model_copy(
        update={"progress_report_seconds": 0.02, "history_event_limit": 100}
    )
    registry = counting_registry()
    async with httpx.AsyncClient() as http:
        resources = PhaseResources(settings=settings, redis=redis, http=http)
        worker = build_worker(temporal_client, settings, resources, MemoryPublisher(), registry)
        async with worker:
            yield JobService(temporal_client, settings, registry)


async def test_a_long_phase_rolls_over_into_new_runs_without_losing_or_repeating_work(
    chatty_jobs: JobService, temporal_client: Client, redis: Redis
) -> None:
    record, _ = await chatty_jobs.submit(
        "long", {"type": "count", "items": 300, "item_seconds": 0.01}
    )

    async def completed() -> bool:
        current = await chatty_jobs.get("long", record.job_id)
        return current.state is JobState.COMPLETED

    await assert_eventually(completed, timeout=120, message="the long job never finished")

    runs = [
        execution
        async for execution in temporal_client.list_workflows(f"WorkflowId = '{record.job_id}'")
    ]
    continued = [r for r in runs if r.status is WorkflowExecutionStatus.CONTINUED_AS_NEW]
    assert len(continued) >= 2, f"expected rollovers, saw {len(runs)} runs"
    # The phase rolls over again and again while it runs, not once at its end: no run holds
    # most of the job's history. (How far a run overshoots the limit depends on when the
    # SDK next sends a heartbeat; that is timing, and timing is for benchmarks.)
    lengths = [run.history_length for run in runs]
    assert max(lengths) < sum(lengths) / 2, lengths
    done = await chatty_jobs.get("long", record.job_id)
    assert done.result == {"total": 300, "after": ["count"]}
    assert done.started_at is not None
    assert done.started_at < max(run.start_time for run in runs), "carried from the first run"
    items = await processed_items(redis, record.job_id)
    assert items == list(range(300)), "a rollover hands back its checkpoint exactly"
