"""Across any interleaving of events, reads and reconnects, against the real publishing script:
a read never runs ahead of the feed (the record at seq N is the fold of events 1..N, and N is
at most the last event published), its progress never goes backwards, and a reconnect from a
read's seq gets exactly the events after it."""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.runtime.publisher import RedisEventPublisher
from jobwire.cli.devstack.redis_server import RedisServer
from jobwire.connections.redis_client import connect_redis
from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.projection import fields as f
from jobwire.projection.events import read_since
from jobwire.projection.fields import event_fields
from jobwire.projection.store import ProjectionStore
from jobwire.projection.view import Projection
from jobwire.settings import Settings
from tests.support.job_records import PHASES, job_event, job_record

pytestmark = pytest.mark.integration

USER = "property-user"

TRANSITIONS = {
    EventType.STARTED: JobState.RUNNING,
    EventType.RESUMED: JobState.RUNNING,
    EventType.PAUSED: JobState.PAUSED,
    EventType.COMPLETED: JobState.COMPLETED,
    EventType.CANCELLED: JobState.CANCELLED,
}
ENDED = {"completed", "failed", "cancelled"}

progress = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda p: round(p, 3))
activity_event = st.tuples(
    st.just("event"),
    st.sampled_from(
        [
            EventType.PROGRESS,
            EventType.CHECKPOINT,
            EventType.RECOVERED,
            EventType.LOG,
            EventType.PAUSED,
        ]
    ),
    progress,
    st.sampled_from(PHASES),
)
transition = st.tuples(
    st.just("transition"),
    st.sampled_from(list(TRANSITIONS)),
    progress,
    st.sampled_from(PHASES),
)
operations = st.lists(
    st.one_of(
        activity_event, transition, st.tuples(st.just("get")), st.tuples(st.just("reconnect"))
    ),
    max_size=30,
)


@dataclass
class Run:
    """One job's history as a client sees it: every event published, and its last read."""

    job_id: str = field(default_factory=lambda: f"job-{uuid.uuid4()}")
    folded: list[dict[str, Any]] = field(default_factory=list)
    """The fields each published event set, in seq order (index 0 is seq 1)."""
    last_read: JobRecord | None = None


def base(run: Run, state: JobState, at: float, phase: str) -> JobRecord:
    return job_record(run.job_id, USER, state, progress=at, phase=phase)


def draft(run: Run, kind: EventType, at: float, phase: str, state: JobState) -> EventDraft:
    data: dict[str, Any] = {"phase": phase}
    if kind is EventType.CREATED:
        data = {"spec": {"type": "count"}}
    elif kind is EventType.CHECKPOINT:
        data = {
            "phase": phase,
            "position": f"at {at}",
            "size_bytes": 9,
            "taken_at": "2026-12-01T08:00:00Z",
        }
    elif kind is EventType.RECOVERED:
        data = {"phase": phase, "attempt": 2}
    elif kind is EventType.PAUSED:
        data = {"paused_by": "temporal"}
    return job_event(run.job_id, USER, kind, at, **data).model_copy(update={"state": state})


def fold(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The record the events fold into, computed here: the script must agree."""
    values: dict[str, Any] = {}
    for seq, fields in enumerate(events, start=1):
        fields = dict(fields)
        if f.PROGRESS in values and values[f.PROGRESS] > fields[f.PROGRESS]:
            del fields[f.PROGRESS]
        if values.get("state") in ENDED and f.BASE not in fields:
            fields.pop("state", None)  # only a transition moves an ended job
            fields.pop("paused_by", None)
        values.update(fields)
        values[f.SEQ] = seq
    return values


async def publish(
    run: Run, publisher: RedisEventPublisher, event: EventDraft, record: JobRecord | None
) -> None:
    numbered = await publisher.publish(event, record)
    assert numbered is not None and numbered.seq == len(run.folded) + 1
    run.folded.append(
        {name: json.loads(value) for name, value in event_fields(event, record).items()}
    )


async def read(run: Run, store: ProjectionStore) -> JobRecord:
    record = (await store.read(run.job_id)).record(include_spec=True)
    assert record.seq is not None and record.seq <= len(run.folded), "never ahead of the feed"
    expected = Projection(fold(run.folded[: record.seq])).record(include_spec=True)
    assert record == expected, "the record at seq N is the fold of events 1..N"
    if run.last_read is not None:
        assert record.progress >= run.last_read.progress, "progress never goes backwards"
    run.last_read = record
    return record


async def reconnect(run: Run, store: ProjectionStore) -> None:
    """A client that read the record at N and follows the events after N ends where the
    projection is now."""
    redis = store.redis
    since = run.last_read.seq if run.last_read is not None and run.last_read.seq else 0
    replay = await read_since(redis, run.job_id, since)
    assert replay.complete
    assert [event.seq for event in replay.events] == list(range(since + 1, len(run.folded) + 1))
    caught_up = Projection(fold(run.folded)).record(include_spec=True)
    assert (await read(run, store)) == caught_up


async def play(url: str, ops: list[tuple[Any, ...]]) -> None:
    config = Settings(_env_file=None)
    redis = connect_redis(config, url)
    try:
        publisher = RedisEventPublisher(redis, config)
        store = ProjectionStore(redis, config.event_stream_ttl_seconds)
        run = Run()
        created = draft(run, EventType.CREATED, 0.0, "count", JobState.CREATED)
        await publish(run, publisher, created, base(run, JobState.CREATED, 0.0, "count"))
        for op in ops:
            if op[0] == "event":
                _, kind, at, phase = op
                await publish(run, publisher, draft(run, kind, at, phase, JobState.RUNNING), None)
            elif op[0] == "transition":
                _, kind, at, phase = op
                state = TRANSITIONS[kind]
                event = draft(run, kind, at, phase, state)
                if kind is EventType.PAUSED:
                    event = event.model_copy(update={"data": {"paused_by": "jobwire", "by": "u"}})
                await publish(run, publisher, event, base(run, state, at, phase))
            elif op[0] == "get":
                await read(run, store)
            else:
                await reconnect(run, store)
        await reconnect(run, store)
    finally:
        await redis.aclose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_reads_never_run_ahead_of_the_feed_nor_go_backwards(
    redis_dev: RedisServer, ops: list[tuple[Any, ...]]
) -> None:
    asyncio.run(play(redis_dev.url, ops))


async def test_concurrent_publishers_and_readers_never_see_a_record_ahead_of_its_events(
    redis_dev: RedisServer,
) -> None:
    """Four publishers (an old attempt and its retries) and four pollers at once: every read
    is exactly the fold of the events up to its seq, and no poller sees progress fall."""
    config = Settings(_env_file=None)
    redis = connect_redis(config, redis_dev.url)
    run = Run()
    try:
        store = ProjectionStore(redis, config.event_stream_ttl_seconds)
        created = draft(run, EventType.CREATED, 0.0, "count", JobState.CREATED)
        created_base = base(run, JobState.CREATED, 0.0, "count")
        await publish(run, RedisEventPublisher(redis, config), created, created_base)

        async def publisher(worker: int) -> None:
            own = RedisEventPublisher(redis, config)
            for n in range(25):
                at = float((worker * 37 + n * 11) % 100)
                await own.publish(draft(run, EventType.PROGRESS, at, "count", JobState.RUNNING))

        async def poller() -> list[JobRecord]:
            reads = []
            for _ in range(25):
                reads.append((await store.read(run.job_id)).record(include_spec=True))
                await asyncio.sleep(0)
            return reads

        results = await asyncio.gather(
            *(publisher(w) for w in range(4)), *(poller() for _ in range(4))
        )
        replay = await read_since(redis, run.job_id, 1)
        for event in replay.events:
            sent = EventDraft.model_validate(event.model_dump(exclude={"seq"}))
            run.folded.append({k: json.loads(v) for k, v in event_fields(sent).items()})
        assert len(run.folded) == 101
        for reads in results[4:]:
            assert reads and all(r.seq is not None for r in reads)
            for earlier, later in itertools.pairwise(reads):
                assert later.progress >= earlier.progress and later.seq >= earlier.seq
            for record in reads:
                assert record == Projection(fold(run.folded[: record.seq])).record(
                    include_spec=True
                )
    finally:
        await redis.aclose()
