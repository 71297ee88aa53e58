"""A user's cap on running jobs, on a real Temporal dev server: jobs over the cap wait created
(their step says why) in the order submitted, a cancelled waiting job leaves the queue, and a
job that ends without giving its slot back (terminated) frees it all the same."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.service import RPCError

from bench.support.counting import counting_registry
from jobwire.contract.records import JobRecord
from jobwire.contract.slots import QUERY_SLOTS, SlotsState, slots_workflow_id
from jobwire.contract.states import JobAction, JobState
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.integration.engine.conftest import Engine, running_engine

pytestmark = pytest.mark.integration

LONG = {"type": "count", "items": 2000, "item_seconds": 0.05}
"""Runs far longer than any test waits: each test cancels what it started."""


@pytest_asyncio.fixture
async def capped(
    settings: Settings, temporal_client: Client, redis: Redis
) -> AsyncIterator[Engine]:
    two = settings.model_copy(
        update={"max_running_jobs_per_user": 2, "running_slot_check_seconds": 0.5}
    )
    async with running_engine(two, temporal_client, redis, counting_registry()) as engine:
        yield engine


async def states(engine: Engine, user: str, job_ids: list[str]) -> list[JobRecord]:
    return [await engine.jobs.get(user, job_id) for job_id in job_ids]


async def slots(engine: Engine, user: str) -> SlotsState:
    handle = engine.temporal.get_workflow_handle(slots_workflow_id(user))
    return await handle.query(QUERY_SLOTS, result_type=SlotsState)


async def settled(engine: Engine, user: str, job_ids: list[str], want: list[JobState]) -> None:
    async def probe() -> bool:
        records = await states(engine, user, job_ids)
        assert [record.state for record in records] == want, [r.state for r in records]
        return True

    await assert_eventually(probe, timeout=60)


async def submit_in_turn(engine: Engine, user: str, count: int) -> list[str]:
    """Submits one job at a time, each once the one before reached the slots workflow: the
    queue's order is the order requests reach it, which two jobs racing would leave open."""
    jobs: list[str] = []
    for n in range(count):
        jobs.append((await engine.jobs.submit(user, LONG))[0].job_id)

        async def arrived(n: int = n) -> bool:
            try:
                state = await slots(engine, user)
            except RPCError:  # the first request has not started the slots workflow yet
                return False
            assert len(state.holders) + len(state.waiting) == n + 1
            return True

        await assert_eventually(arrived, timeout=60)
    return jobs


async def cancel_all(engine: Engine, user: str, job_ids: list[str]) -> None:
    for record in await states(engine, user, job_ids):
        if not record.state.is_terminal:
            await engine.jobs.control(user, record.job_id, JobAction.CANCEL)


async def test_jobs_over_the_cap_wait_in_order_until_a_slot_frees(capped: Engine) -> None:
    user = f"cap-{uuid.uuid4().hex[:8]}"
    jobs = await submit_in_turn(capped, user, 4)
    try:
        created, running = JobState.CREATED, JobState.RUNNING
        await settled(capped, user, jobs, [running, running, created, created])

        async def told_why() -> list[str]:
            steps = [record.step for record in await states(capped, user, jobs[2:])]
            assert steps == [
                "waiting: 2 of your jobs are running (at most 2)",
                "waiting: 2 of your jobs are running (at most 2), 1 queued before this one",
            ]
            return steps

        await assert_eventually(told_why)
        assert (await slots(capped, user)).waiting == jobs[2:]

        await capped.jobs.control(user, jobs[0], JobAction.CANCEL)
        await settled(capped, user, jobs, [JobState.CANCELLED, running, running, created])
        assert (await slots(capped, user)).holders == jobs[1:3]
    finally:
        await cancel_all(capped, user, jobs)


async def test_a_cancelled_waiting_job_leaves_the_queue(capped: Engine) -> None:
    user = f"cap-{uuid.uuid4().hex[:8]}"
    jobs = await submit_in_turn(capped, user, 4)
    try:
        created, running = JobState.CREATED, JobState.RUNNING
        await settled(capped, user, jobs, [running, running, created, created])

        await capped.jobs.control(user, jobs[2], JobAction.CANCEL)
        await settled(capped, user, jobs, [running, running, JobState.CANCELLED, created])
        assert (await slots(capped, user)).waiting == [jobs[3]]

        await capped.jobs.control(user, jobs[0], JobAction.CANCEL)
        await settled(
            capped, user, jobs, [JobState.CANCELLED, running, JobState.CANCELLED, running]
        )
    finally:
        await cancel_all(capped, user, jobs)


async def test_a_terminated_job_frees_its_slot(capped: Engine) -> None:
    user = f"cap-{uuid.uuid4().hex[:8]}"
    jobs = await submit_in_turn(capped, user, 3)
    try:
        created, running = JobState.CREATED, JobState.RUNNING
        await settled(capped, user, jobs, [running, running, created])

        await capped.temporal.get_workflow_handle(jobs[0]).terminate("gone without a word")

        async def third_runs() -> bool:
            return (await capped.jobs.get(user, jobs[2])).state is running

        await assert_eventually(third_runs, timeout=60)
        assert (await slots(capped, user)).holders == jobs[1:]
    finally:
        await cancel_all(capped, user, jobs)


async def test_without_a_cap_no_slots_workflow_is_started(engine: Engine) -> None:
    user = f"nocap-{uuid.uuid4().hex[:8]}"
    record, _ = await engine.jobs.submit(user, {"type": "count", "items": 2})

    async def done() -> bool:
        return (await engine.jobs.get(user, record.job_id)).state is JobState.COMPLETED

    await assert_eventually(done, timeout=60)
    query = f"WorkflowId = '{slots_workflow_id(user)}'"
    assert [wf.id async for wf in engine.temporal.list_workflows(query)] == []
