"""Priorities and fairness on a real Temporal dev server started with the matcher's dynamic
config: the job's priority and its user reach Temporal on the workflow and on the activities
it schedules, a priority above what the user may ask is clamped to it, and one user's backlog
does not hold back another user's jobs."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry
from jobwire.contract.events import EventType
from jobwire.contract.states import JobAction
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.integration.engine.conftest import Engine, running_engine

pytestmark = pytest.mark.integration

PHASE_EVENTS = frozenset({EventType.PROGRESS, EventType.CHECKPOINT})
"""Events only a running phase sends: the order they first appear in is the order the jobs'
phases got a worker slot."""


async def test_priority_and_fairness_key_reach_the_workflow_and_its_activity(
    engine: Engine,
) -> None:
    user = f"prio-{uuid.uuid4().hex[:8]}"
    spec = {"type": "count", "items": 200, "item_seconds": 0.05, "priority": 2}
    record, _ = await engine.jobs.submit(user, spec)
    assert record.priority == 2
    handle = engine.temporal.get_workflow_handle(record.job_id)

    async def pending_activity() -> object:
        description = await handle.describe()
        pending = description.raw_description.pending_activities
        return (description, pending[0]) if pending else None

    description, activity = await assert_eventually(pending_activity)  # type: ignore[misc]
    workflow_priority = description.raw_description.workflow_execution_info.priority
    assert (workflow_priority.priority_key, workflow_priority.fairness_key) == (2, user)
    assert (activity.priority.priority_key, activity.priority.fairness_key) == (2, user)
    assert (await engine.jobs.get(user, record.job_id)).priority == 2
    await engine.jobs.control(user, record.job_id, JobAction.CANCEL)


async def test_a_priority_above_what_the_user_may_ask_is_clamped(engine: Engine) -> None:
    record, _ = await engine.jobs.submit("greedy", {"type": "count", "items": 1, "priority": 1})
    assert record.priority == 2 and record.spec["priority"] == 2


async def test_a_granted_user_may_ask_for_the_highest_priority(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    granted = settings.model_copy(update={"priority_grants": {"ops": 1}})
    async with running_engine(granted, temporal_client, redis, counting_registry()) as engine:
        record, _ = await engine.jobs.submit("ops", {"type": "count", "items": 1, "priority": 1})
        assert record.priority == 1


async def test_another_users_jobs_start_before_a_backlog_is_drained(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    """With one activity slot, user A's 12 jobs queue before user B's 3: B's phases still
    get the slot in turn with A's, not after all of them."""
    one_slot = settings.model_copy(update={"worker_activity_slots": 1})
    backlog = counting_registry()
    submitter = JobService(temporal_client, one_slot, backlog)
    spec = {"type": "count", "items": 3, "item_seconds": 0.1}
    a_jobs = [(await submitter.submit("fair-a", spec))[0].job_id for _ in range(12)]
    b_jobs = [(await submitter.submit("fair-b", spec))[0].job_id for _ in range(3)]
    async with running_engine(one_slot, temporal_client, redis, backlog) as engine:

        def first_phase_order() -> list[str]:
            order: list[str] = []
            for event in engine.events.events:
                if event.type in PHASE_EVENTS and event.job_id not in order:
                    order.append(event.job_id)
            return order

        async def all_started() -> list[str] | None:
            order = first_phase_order()
            return order if len(order) == len(a_jobs) + len(b_jobs) else None

        order = await assert_eventually(all_started, timeout=120)
    b_places = sorted(order.index(job_id) for job_id in b_jobs)
    a_places = sorted(order.index(job_id) for job_id in a_jobs)
    # First come, first served would start B's jobs after all 12 of A's.
    assert b_places[-1] < a_places[len(a_places) // 2], (b_places, a_places)
