"""The Redis side of the live feed against a real Redis: numbering, replay, trimming, outage."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis

from activities.runtime.publisher import RedisEventPublisher
from jobwire import redis_keys as keys
from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.states import JobState
from jobwire.projection.events import read_since
from jobwire.settings import Settings
from tests.helpers import refused_port

pytestmark = pytest.mark.integration


def draft(job_id: str, step: str, user: str = "u1") -> EventDraft:
    return EventDraft(
        job_id=job_id,
        user_id=user,
        type=EventType.PROGRESS,
        state=JobState.RUNNING,
        progress=1.0,
        step=step,
    )


async def test_concurrent_publishers_number_one_job_without_gaps_or_repeats(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publishers = [RedisEventPublisher(redis, settings) for _ in range(4)]
    published = await asyncio.gather(
        *(p.publish(draft(job_id, f"{i}-{n}")) for n in range(50) for i, p in enumerate(publishers))
    )

    assert sorted(event.seq for event in published if event) == list(range(1, 201))
    replay = await read_since(redis, job_id, 0)
    assert [event.seq for event in replay.events] == list(range(1, 201))
    assert replay.complete and replay.last_seq == 200
    assert sorted(e.step for e in replay.events) == sorted(e.step for e in published if e)


async def test_replay_from_since_gives_exactly_the_later_events(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    for n in range(10):
        await publisher.publish(draft(job_id, f"step {n}"))

    replay = await read_since(redis, job_id, 7)
    assert [(e.seq, e.step) for e in replay.events] == [
        (8, "step 7"),
        (9, "step 8"),
        (10, "step 9"),
    ]
    assert replay.complete
    nothing = await read_since(redis, job_id, 10)
    assert nothing.events == [] and nothing.complete and nothing.last_seq == 10


async def test_the_feed_carries_every_event_with_its_job_user_and_seq(
    redis: Redis, settings: Settings
) -> None:
    user = f"user-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    first, second = f"job-{uuid.uuid4()}", f"job-{uuid.uuid4()}"
    newest: Any = await redis.xrevrange(keys.FEED, count=1)
    before = f"({newest[0][0]}" if newest else "-"
    await publisher.publish(draft(first, "a", user))
    await publisher.publish(draft(second, "b", user))
    await publisher.publish(draft(first, "c", user))

    entries: Any = await redis.xrange(keys.FEED, min=before)  # every test shares the feed
    mine = [
        (f[keys.JOB_FIELD], f[keys.USER_FIELD], f[keys.SEQ_FIELD])
        for _, f in entries
        if f[keys.USER_FIELD] == user
    ]
    assert mine == [(first, user, "1"), (second, user, "1"), (first, user, "2")]


class PublishingOnRead(Redis):
    """A Redis client that numbers one more event of the job just as a replay reads the
    job's counter: what another worker's publish does at the wrong moment."""

    publisher: RedisEventPublisher | None = None
    job_id = ""

    async def get(self, name: Any) -> Any:
        if self.publisher is not None and name == keys.job_seq(self.job_id):
            publisher, self.publisher = self.publisher, None
            await publisher.publish(draft(self.job_id, "published meanwhile"))
        return await super().get(name)


async def test_an_event_numbered_while_the_replay_reads_is_not_taken_for_a_lost_one(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    for n in range(3):
        await publisher.publish(draft(job_id, str(n)))
    racing = PublishingOnRead(connection_pool=redis.connection_pool)
    racing.publisher, racing.job_id = publisher, job_id
    try:
        replay = await read_since(racing, job_id, 3)
    finally:
        await racing.aclose()
    assert replay.complete, "nothing was lost: no snapshot may stand in for the stream"
    assert [e.seq for e in replay.events] == list(range(4, replay.last_seq + 1))


async def test_a_trimmed_or_expired_stream_is_reported_incomplete(
    redis: Redis, settings: Settings
) -> None:
    job_id = f"job-{uuid.uuid4()}"
    publisher = RedisEventPublisher(redis, settings)
    for n in range(5):
        await publisher.publish(draft(job_id, str(n)))
    await redis.xtrim(keys.job_events(job_id), minid="3-0", approximate=False)

    trimmed = await read_since(redis, job_id, 1)
    assert [e.seq for e in trimmed.events] == [3, 4, 5]
    assert not trimmed.complete

    await redis.delete(keys.job_events(job_id))
    expired = await read_since(redis, job_id, 2)
    assert expired.events == [] and not expired.complete and expired.last_seq == 5
    later = await publisher.publish(draft(job_id, "after expiry"))
    assert later is not None and later.seq == 6, "numbering goes on after the stream expired"


class CountingRedis(Redis):
    """A Redis client that counts the commands it was asked to send."""

    calls = 0

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        self.calls += 1
        return await super().execute_command(*args, **options)


class CountingPipelines(CountingRedis):
    """Counts a pipeline as the one round trip it is, beside single commands."""

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
        self.calls += 1
        return super().pipeline(transaction, shard_hint)


async def test_on_a_single_redis_an_event_is_numbered_folded_and_fed_in_one_call(
    redis: Redis, settings: Settings
) -> None:
    """The feed's copy rides in the numbering script: one round trip from a busy worker's
    loop instead of two (a cluster keeps two; ``tests/integration/cluster``)."""
    counting = CountingPipelines(connection_pool=redis.connection_pool)
    publisher, job_id = RedisEventPublisher(counting, settings), f"job-{uuid.uuid4()}"
    await publisher.publish(draft(job_id, "loads the script"))
    published_before = int(await redis.get(keys.EVENTS_PUBLISHED) or 0)
    counting.calls = 0
    event = await publisher.publish(draft(job_id, "one call"))

    assert event is not None and event.seq == 2
    assert counting.calls == 1
    newest: Any = await redis.xrevrange(keys.FEED, count=50)
    fields = next(f for _, f in newest if f[keys.JOB_FIELD] == job_id and f[keys.SEQ_FIELD] == "2")
    assert fields[keys.USER_FIELD] == "u1" and keys.TRACE_FIELD not in fields
    assert EventDraft.model_validate_json(fields[keys.EVENT_FIELD]).step == "one call"
    assert int(await redis.get(keys.EVENTS_PUBLISHED) or 0) > published_before
    await counting.aclose()


async def test_a_dead_redis_drops_events_without_raising_and_fails_fast(
    settings: Settings,
) -> None:
    with refused_port() as port:
        dead = CountingRedis(port=port, socket_connect_timeout=0.5, socket_timeout=0.5)
        await _drops_and_fails_fast(dead, settings)


async def _drops_and_fails_fast(dead: CountingRedis, settings: Settings) -> None:
    publisher = RedisEventPublisher(dead, settings, retry_after=60)
    assert await publisher.publish(draft("job-x", "lost")) is None
    tried = dead.calls
    assert tried >= 1
    assert await publisher.publish(draft("job-x", "skipped")) is None
    assert dead.calls == tried, "the breaker is open: progress never touches the network"
    ended = draft("job-x", "done").model_copy(
        update={"type": EventType.COMPLETED, "state": JobState.COMPLETED}
    )
    assert await publisher.publish(ended) is None
    assert dead.calls > tried, "a change of state is tried even while the breaker is open"
    await dead.aclose()
