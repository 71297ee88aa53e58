"""The job's record folded by the publishing script, against a real Redis: what each event
sets, progress that never goes down, write-back from Temporal, and a deleted job's tombstone."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from activities.runtime.publisher import RedisEventPublisher
from jobwire import redis_keys as keys
from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.records import ControlNote, JobRecord
from jobwire.contract.states import JobAction, JobState
from jobwire.projection.events import read_since
from jobwire.projection.store import ProjectionStore, bury
from jobwire.settings import Settings
from tests.support.job_records import job_event, job_record

pytestmark = pytest.mark.integration

USER = "projection-user"


def base_record(job_id: str, state: JobState = JobState.CREATED, **update: Any) -> JobRecord:
    return job_record(job_id, USER, state, **update)


def event(job_id: str, kind: EventType, progress: float = 0.0, **data: Any) -> EventDraft:
    return job_event(job_id, USER, kind, progress, **data)


def store_for(redis: Redis, settings: Settings) -> ProjectionStore:
    return ProjectionStore(redis, settings.event_stream_ttl_seconds)


def one_job(redis: Redis, settings: Settings) -> tuple[str, RedisEventPublisher, ProjectionStore]:
    """A new job's id, a publisher and the projections' store."""
    return f"job-{uuid.uuid4()}", RedisEventPublisher(redis, settings), store_for(redis, settings)


async def test_each_event_folds_into_its_jobs_record_in_the_same_step(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    await publisher.publish(
        event(job_id, EventType.CREATED, spec={"type": "trade", "symbol": "X"}), base_record(job_id)
    )
    started = base_record(job_id, JobState.RUNNING, started_at=datetime.now(UTC))
    await publisher.publish(event(job_id, EventType.STARTED), started)
    await publisher.publish(event(job_id, EventType.PROGRESS, 18.0, phase="execute"))
    summary = {
        "phase": "execute",
        "position": "slice 1",
        "size_bytes": 40,
        "taken_at": "2026-12-01T08:00:00Z",
    }
    last = await publisher.publish(event(job_id, EventType.CHECKPOINT, 18.0, **summary))
    assert last is not None and last.seq == 4

    projection = await store_for(redis, settings).read(job_id)
    record = projection.record(include_spec=True)
    assert record.seq == 4, "the record is the fold of every event up to the last one"
    assert record.state is JobState.RUNNING and record.progress == 18.0
    assert record.phase == "execute" and record.step == "job.checkpoint at 18.0"
    assert record.checkpoint is not None and record.checkpoint.position == "slice 1"
    assert record.spec == {"type": "trade", "symbol": "X"}
    assert record.phase_weights == [9.0, 1.0] and record.started_at is not None
    assert record.allowed_actions == [JobAction.PAUSE, JobAction.CANCEL]
    assert projection.record(include_spec=False).spec == {}
    replay = await read_since(redis, job_id, 0)
    assert [e.seq for e in replay.events] == [1, 2, 3, 4], "events stay as they are"
    assert all("base" not in e.data for e in replay.events)


async def test_the_records_progress_never_goes_down(redis: Redis, settings: Settings) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    await publisher.publish(event(job_id, EventType.CREATED), base_record(job_id))
    await publisher.publish(event(job_id, EventType.PROGRESS, 50.0, phase="execute"))
    await publisher.publish(event(job_id, EventType.RECOVERED, 30.0, attempt=2, phase="execute"))

    record = (await store_for(redis, settings).read(job_id)).record(include_spec=False)
    assert record.progress == 50.0, "a retry that redoes work never pulls the record back"
    assert record.attempt == 2 and record.seq == 3
    assert record.step == "job.recovered at 30.0"


async def test_temporals_own_pause_shows_the_job_paused_until_it_runs_again(
    redis: Redis, settings: Settings
) -> None:
    job_id, publisher, store = one_job(redis, settings)
    await publisher.publish(event(job_id, EventType.STARTED), base_record(job_id, JobState.RUNNING))
    await publisher.publish(event(job_id, EventType.PAUSED, 20.0, paused_by="temporal"))
    paused = (await store.read(job_id)).record(include_spec=False)
    assert paused.state is JobState.PAUSED and paused.paused_by == "temporal"
    assert paused.allowed_actions == [JobAction.RESUME, JobAction.CANCEL]

    await publisher.publish(event(job_id, EventType.RECOVERED, 20.0, attempt=2, phase="execute"))
    running = (await store.read(job_id)).record(include_spec=False)
    assert running.state is JobState.RUNNING and running.paused_by is None


async def test_a_transition_carries_the_workflows_record_as_the_rest_of_it(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    note = ControlNote(action=JobAction.CANCEL, by="alice", reason="enough", at=datetime.now(UTC))
    ended = base_record(
        job_id, JobState.CANCELLED, finished_at=datetime.now(UTC), last_control=note, progress=40.0
    )
    await publisher.publish(event(job_id, EventType.CANCELLED, 40.0, by="alice"), ended)

    record = (await store_for(redis, settings).read(job_id)).record(include_spec=False)
    assert record.state is JobState.CANCELLED and record.finished_at is not None
    assert record.last_control is not None and record.last_control.reason == "enough"
    assert record.allowed_actions == [JobAction.RESTART]


async def test_a_late_event_of_a_phase_never_revives_an_ended_job(
    redis: Redis, settings: Settings
) -> None:
    job_id, publisher, store = one_job(redis, settings)
    done = base_record(job_id, JobState.COMPLETED, progress=100.0)
    await publisher.publish(event(job_id, EventType.COMPLETED, 100.0, result={}), done)
    await publisher.publish(event(job_id, EventType.PROGRESS, 80.0, phase="execute"))
    await publisher.publish(event(job_id, EventType.PAUSED, 80.0, paused_by="temporal"))
    ended = (await store.read(job_id)).record(include_spec=False)
    assert ended.state is JobState.COMPLETED and ended.paused_by is None and ended.seq == 3

    resumed = base_record(job_id, JobState.RUNNING, progress=100.0)
    await publisher.publish(event(job_id, EventType.RESUMED, 100.0), resumed)
    again = (await store.read(job_id)).record(include_spec=False)
    assert again.state is JobState.RUNNING, "a workflow transition moves it on"


async def test_a_deleted_job_reads_as_deleted_and_its_late_events_are_dropped(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    await publisher.publish(event(job_id, EventType.CREATED), base_record(job_id))
    await bury(redis, job_id)

    assert await publisher.publish(event(job_id, EventType.CANCELLED)) is None
    seen = await store_for(redis, settings).read(job_id)
    assert seen.deleted and seen.values == {}
    assert await redis.exists(keys.job_events(job_id), keys.job_seq(job_id)) == 0
    assert 0 < await redis.ttl(keys.job_tombstone(job_id)) <= 600


async def test_a_write_back_fills_a_missing_projection_and_keeps_what_only_temporal_knows(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    store = store_for(redis, settings)
    waiting = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    rebuilt = base_record(
        job_id, JobState.RUNNING, spec={"type": "trade"}, waiting_for_worker_since=waiting
    )
    assert await store.write_back(rebuilt, await store.read(job_id), include_spec=True)

    seen = await store.read(job_id)
    assert seen.is_fresh(time.time(), settings.projection_fresh_seconds)
    record = seen.record(include_spec=True)
    assert record.spec == {"type": "trade"} and record.seq is None
    assert record.waiting_for_worker_since == waiting

    publisher = RedisEventPublisher(redis, settings)
    await publisher.publish(event(job_id, EventType.PROGRESS, 12.0, phase="execute"))
    after = (await store.read(job_id)).record(include_spec=False)
    assert after.waiting_for_worker_since is None, "an event says a worker runs the job again"
    assert after.progress == 12.0 and after.seq == 1


@dataclass
class RunningJob:
    """A job only its phase's events have written so far."""

    job_id: str
    publisher: RedisEventPublisher
    store: ProjectionStore

    async def progress(self, at: float) -> None:
        await self.publisher.publish(event(self.job_id, EventType.PROGRESS, at, phase="execute"))


def running_job(redis: Redis, settings: Settings) -> RunningJob:
    publisher = RedisEventPublisher(redis, settings)
    return RunningJob(f"job-{uuid.uuid4()}", publisher, store_for(redis, settings))


async def test_a_write_back_never_overwrites_an_event_folded_meanwhile(
    redis: Redis, settings: Settings
) -> None:
    job = running_job(redis, settings)
    await job.progress(10.0)
    seen = await job.store.read(job.job_id)
    await job.progress(20.0)

    stale = base_record(job.job_id, JobState.PAUSED, progress=10.0)
    assert not await job.store.write_back(stale, seen, include_spec=False)
    values = (await job.store.read(job.job_id)).values
    assert values["state"] == "running" and values["progress"] == 20.0 and "base" not in values


async def test_a_write_back_lets_temporals_state_win_but_never_lowers_progress(
    redis: Redis, settings: Settings
) -> None:
    job = running_job(redis, settings)
    await job.progress(30.0)
    terminated = base_record(job.job_id, JobState.FAILED, progress=25.0, step="terminated")
    assert await job.store.write_back(
        terminated, await job.store.read(job.job_id), include_spec=False
    )

    record = (await job.store.read(job.job_id)).record(include_spec=False)
    assert record.state is JobState.FAILED and record.step == "terminated"
    assert record.progress == 30.0 and record.seq == 1
