"""A job's life on a real Temporal dev server: run, pause, resume, cancel, fail, restart."""

from __future__ import annotations

import pytest

from bench.support.counting import processed_items
from jobwire.contract.events import EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobAction, JobState
from jobwire.errors import IllegalTransition, InvalidSpec, JobNotFound
from tests.helpers import assert_eventually
from tests.integration.engine.conftest import Engine

pytestmark = pytest.mark.integration


async def finished(engine: Engine, user: str, job_id: str) -> JobRecord:
    async def probe() -> JobRecord | None:
        record = await engine.jobs.get(user, job_id)
        return record if record.state.is_terminal else None

    return await assert_eventually(probe, timeout=60, message=f"{job_id} never finished")


async def in_state(engine: Engine, user: str, job_id: str, state: JobState) -> JobRecord:
    async def probe() -> JobRecord | None:
        record = await engine.jobs.get(user, job_id)
        return record if record.state is state else None

    return await assert_eventually(probe, timeout=60, message=f"{job_id} never {state}")


async def test_a_job_runs_its_phases_to_a_result(engine: Engine) -> None:
    record, created = await engine.jobs.submit("alice", {"type": "count", "items": 20})
    assert created and record.state is JobState.CREATED
    assert record.phases == ["count", "summarize"]

    done = await finished(engine, "alice", record.job_id)

    assert done.state is JobState.COMPLETED
    assert done.progress == 100.0
    assert done.result == {"total": 20, "after": ["count"]}
    assert done.allowed_actions == [JobAction.RESTART]
    assert await processed_items(engine.redis, record.job_id) == list(range(20))
    kinds = engine.types_of(record.job_id)
    assert kinds[:2] == [EventType.CREATED, EventType.STARTED]
    assert kinds[-1] is EventType.COMPLETED
    assert EventType.PROGRESS in kinds
    progress = [e.progress for e in engine.events_of(record.job_id)]
    assert progress == sorted(progress), "progress never goes backwards"


async def test_search_attributes_make_jobs_listable_by_user_and_state(engine: Engine) -> None:
    record, _ = await engine.jobs.submit("bob-sa", {"type": "count", "items": 3})
    await finished(engine, "bob-sa", record.job_id)

    async def listed() -> bool:
        query = "JobUserId = 'bob-sa' AND JobState = 'completed' AND JobType = 'count'"
        ids = [wf.id async for wf in engine.temporal.list_workflows(query)]
        return ids == [record.job_id]

    await assert_eventually(listed, message="the job never showed in a visibility query")
    page = await engine.jobs.list("bob-sa", state=JobState.COMPLETED)
    assert [item.job_id for item in page.items] == [record.job_id]
    assert (await engine.jobs.get("bob-sa", record.job_id)).spec["items"] == 3
    stats = await engine.jobs.stats("bob-sa")
    assert stats.total == 1
    assert stats.by_state["completed"] == 1
    assert stats.by_type == {"count": 1}


async def test_pause_hands_back_the_checkpoint_and_resume_goes_on_from_it(
    engine: Engine,
) -> None:
    spec = {"type": "count", "items": 400, "item_seconds": 0.02}
    record, _ = await engine.jobs.submit("carol", spec)
    job_id = record.job_id

    async def counting() -> bool:
        return len(await processed_items(engine.redis, job_id)) >= 20

    await assert_eventually(counting, message="the job never got going")
    paused = await engine.jobs.control("carol", job_id, JobAction.PAUSE)
    assert paused.state is JobState.PAUSED
    assert paused.paused_by == "jobwire"
    assert paused.checkpoint is not None and paused.checkpoint.phase == "count"
    assert paused.allowed_actions == [JobAction.RESUME, JobAction.CANCEL]
    at_pause = len(await processed_items(engine.redis, job_id))

    with pytest.raises(IllegalTransition) as refused:
        await engine.jobs.control("carol", job_id, JobAction.PAUSE)
    assert refused.value.state == "paused"

    resumed = await engine.jobs.control("carol", job_id, JobAction.RESUME)
    assert resumed.state is JobState.RUNNING
    done = await finished(engine, "carol", job_id)

    assert done.state is JobState.COMPLETED
    items = await processed_items(engine.redis, job_id)
    assert sorted(set(items)) == list(range(400)), "no item lost"
    assert len(items) - 400 <= 1, f"{len(items) - 400} items done twice (at pause: {at_pause})"
    kinds = engine.types_of(job_id)
    assert kinds.index(EventType.PAUSED) < kinds.index(EventType.RESUMED)


async def test_cancel_ends_the_job_and_later_controls_are_refused_with_the_state(
    engine: Engine,
) -> None:
    record, _ = await engine.jobs.submit(
        "dave", {"type": "count", "items": 500, "item_seconds": 0.02}
    )
    job_id = record.job_id
    await in_state(engine, "dave", job_id, JobState.RUNNING)

    cancelled = await engine.jobs.control("dave", job_id, JobAction.CANCEL)
    assert cancelled.state is JobState.CANCELLED
    assert (await finished(engine, "dave", job_id)).state is JobState.CANCELLED
    assert len(await processed_items(engine.redis, job_id)) < 500

    for action in (JobAction.PAUSE, JobAction.RESUME, JobAction.CANCEL):
        with pytest.raises(IllegalTransition) as refused:
            await engine.jobs.control("dave", job_id, action)
        assert refused.value.state == "cancelled"
    assert engine.types_of(job_id)[-1] is EventType.CANCELLED


async def test_a_business_error_fails_the_job_once_with_a_readable_error(
    engine: Engine,
) -> None:
    record, _ = await engine.jobs.submit(
        "erin", {"type": "count", "items": 10, "fail_at": 4, "force": True}
    )
    done = await finished(engine, "erin", record.job_id)

    assert done.state is JobState.FAILED
    assert done.error is not None
    assert done.error.type == "CountRefused"
    assert done.error.message == "item 4 is refused"
    assert done.error.phase == "count"
    assert not done.error.retryable
    assert done.checkpoint is not None and done.checkpoint.position == "item 4 of 10"
    assert await processed_items(engine.redis, record.job_id) == [0, 1, 2, 3], "not retried"
    assert JobAction.RESUME in done.allowed_actions and JobAction.RESTART in done.allowed_actions
    assert engine.types_of(record.job_id)[-1] is EventType.FAILED


async def test_a_failed_job_resumes_from_its_checkpoint(engine: Engine) -> None:
    record, _ = await engine.jobs.submit(
        "fay", {"type": "count", "items": 10, "fail_at": 6, "force": True}
    )
    await finished(engine, "fay", record.job_id)

    # The failing item is part of the spec, so a resume fails again at the same place: but
    # only after going on from the checkpoint, never repeating items 0-5.
    resumed = await engine.jobs.control("fay", record.job_id, JobAction.RESUME)
    assert resumed.state is JobState.RUNNING
    again = await finished(engine, "fay", record.job_id)
    assert again.state is JobState.FAILED
    assert await processed_items(engine.redis, record.job_id) == [0, 1, 2, 3, 4, 5]
    assert EventType.RESUMED in engine.types_of(record.job_id)


async def test_restart_runs_the_spec_again_as_a_new_job_and_may_amend_it(
    engine: Engine,
) -> None:
    record, _ = await engine.jobs.submit("gus", {"type": "count", "items": 10, "fail_at": 3})
    await finished(engine, "gus", record.job_id)

    with pytest.raises(IllegalTransition):
        running, _ = await engine.jobs.submit(
            "gus", {"type": "count", "items": 300, "item_seconds": 0.05}
        )
        await engine.jobs.restart("gus", running.job_id)

    fresh = await engine.jobs.restart("gus", record.job_id, {"type": "count", "items": 5})
    assert fresh.job_id != record.job_id
    assert fresh.restarted_from == record.job_id
    done = await finished(engine, "gus", fresh.job_id)
    assert done.state is JobState.COMPLETED and done.result == {"total": 5, "after": ["count"]}


async def test_a_crashing_attempt_is_retried_from_its_checkpoint_and_says_so(
    engine: Engine,
) -> None:
    spec = {"type": "count", "items": 30, "item_seconds": 0.01, "flaky_at": 20, "force": True}
    record, _ = await engine.jobs.submit("hal", spec)
    done = await finished(engine, "hal", record.job_id)

    assert done.state is JobState.COMPLETED
    recovered = [e for e in engine.events_of(record.job_id) if e.type is EventType.RECOVERED]
    assert len(recovered) == 1
    assert recovered[0].data["attempt"] == 2
    assert recovered[0].data["checkpoint"]["position"] == "item 20 of 30"
    items = await processed_items(engine.redis, record.job_id)
    assert items == list(range(30)), "the retry started where the crash left off"


async def test_another_users_job_is_not_found_for_every_operation(engine: Engine) -> None:
    record, _ = await engine.jobs.submit("ivy", {"type": "count", "items": 2})
    await finished(engine, "ivy", record.job_id)

    with pytest.raises(JobNotFound):
        await engine.jobs.get("mallory", record.job_id)
    for action in (JobAction.PAUSE, JobAction.RESUME, JobAction.CANCEL):
        with pytest.raises(JobNotFound):
            await engine.jobs.control("mallory", record.job_id, action)
    with pytest.raises(JobNotFound):
        await engine.jobs.restart("mallory", record.job_id)
    with pytest.raises(JobNotFound):
        await engine.jobs.get("ivy", "job-does-not-exist")
    assert (await engine.jobs.list("mallory")).items == []
    assert (await engine.jobs.stats("mallory")).total == 0


async def test_an_idempotency_key_gives_the_same_job_twice(engine: Engine) -> None:
    spec = {"type": "count", "items": 2}
    first, created = await engine.jobs.submit("jo", spec, idempotency_key="k-1")
    again, created_again = await engine.jobs.submit("jo", spec, idempotency_key="k-1")
    other, _ = await engine.jobs.submit("kim", spec, idempotency_key="k-1")

    assert created and not created_again
    assert again.job_id == first.job_id
    assert other.job_id != first.job_id


async def test_an_invalid_spec_starts_nothing(engine: Engine) -> None:
    with pytest.raises(InvalidSpec) as bad:
        await engine.jobs.submit("lee", {"type": "count", "items": 0})
    assert bad.value.errors[0]["field"] == "items"
    with pytest.raises(InvalidSpec):
        await engine.jobs.submit("lee", {"type": "nope"})
    assert (await engine.jobs.stats("lee")).total == 0
