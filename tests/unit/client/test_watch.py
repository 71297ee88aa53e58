"""The watcher's promises against an in-memory feed: once, in order, across reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from jobwire.client.backoff import Backoff
from jobwire.client.errors import FeedUnavailable, NotFound, ServerUnreachable, Unauthorized
from jobwire.client.models import EventPage
from jobwire.client.watch import JobWatch
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.states import JobState
from tests.helpers import assert_eventually
from tests.unit.client.fakes import FakeFeedServer, make_event

JOB = "job-1"
OTHER = "job-2"


class Sleeps:
    """Records backoff delays instead of waiting them out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


def watch_of(
    server: FakeFeedServer, *jobs: str, sleeps: Sleeps | None = None, **kwargs
) -> JobWatch:
    return JobWatch(
        server,
        jobs,
        fetch_events=server.fetch_events,
        active_jobs=server.active_jobs,
        sleep=sleeps or Sleeps(),
        backoff=Backoff(rng=lambda: 0.5),
        **kwargs,
    )


async def eventually(cond: Callable[[], bool], message: str = "condition never held") -> None:
    async def probe() -> bool:
        return cond()

    await assert_eventually(probe, timeout=5, interval=0.005, message=message)


def seqs(events: list[JobEvent], job: str = JOB) -> list[int]:
    return [e.seq for e in events if e.job_id == job]


async def consume(watch: JobWatch, into: list[JobEvent]) -> None:
    async with watch:
        async for event in watch:
            into.append(event)


@pytest.fixture
def server() -> FakeFeedServer:
    return FakeFeedServer()


async def test_replays_history_then_live_events_and_ends_when_the_job_finishes(server):
    server.create(JOB)
    server.append(JOB, EventType.STARTED)
    server.append(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB), got))
    await eventually(lambda: len(got) == 2)
    server.publish(JOB)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2, 3, 4]
    assert got[-1].type is EventType.COMPLETED


async def test_a_job_that_already_finished_ends_after_its_history(server):
    server.create(JOB)
    server.append(JOB)
    server.append(JOB, EventType.FAILED, JobState.FAILED)
    got: list[JobEvent] = []
    await asyncio.wait_for(consume(watch_of(server, JOB), got), 5)
    assert seqs(got) == [1, 2]


async def test_since_none_starts_at_the_live_edge(server):
    server.create(JOB)
    server.append(JOB)
    server.append(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB, since=None), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [3]


async def test_duplicates_from_both_rooms_are_yielded_once(server):
    server.create(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB, copies=3)
    server.publish(JOB, copies=2)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED, copies=2)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2, 3]


async def test_early_events_wait_for_the_ones_before_them(server):
    server.create(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    first, second = server.append(JOB), server.append(JOB)
    third = server.append(JOB, EventType.COMPLETED, JobState.COMPLETED)
    for event in (third, first, second):
        server.deliver(event)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2, 3]


async def test_a_gap_that_never_closes_is_filled_from_rest(server):
    server.create(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB)
    server.append(JOB)  # stored, never delivered on the socket
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2, 3]


async def test_events_missing_even_from_rest_are_skipped_rather_than_waited_for(server):
    server.create(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB)
    server.append(JOB)
    server.trim(JOB, 2)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 3]


async def unreachable(job_id: str, since: int) -> EventPage:
    raise ServerUnreachable("connection refused")


@pytest.mark.parametrize("fetch_events", [None, unreachable], ids=["no REST", "REST down"])
async def test_without_rest_a_gap_is_closed_by_a_fresh_replay(server, fetch_events):
    server.create(JOB)
    got: list[JobEvent] = []
    watch = JobWatch(server, [JOB], fetch_events=fetch_events, sleep=Sleeps())
    task = asyncio.create_task(consume(watch, got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB)
    server.append(JOB)  # stored, never delivered on the socket
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2, 3]
    assert server.subscriptions == [(JOB, 0), (JOB, 1)]


async def test_without_rest_a_gap_the_replay_cannot_close_is_skipped(server):
    server.create(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(JobWatch(server, [JOB], sleep=Sleeps()), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB)
    server.append(JOB)
    server.trim(JOB, 2)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 3]


async def test_reconnects_after_a_drop_and_resubscribes_from_the_last_seq(server):
    server.create(JOB)
    sleeps = Sleeps()
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB, sleeps=sleeps), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB)
    server.publish(JOB)
    await eventually(lambda: len(got) == 2)
    server.drop_all()
    server.append(JOB)  # happens while the client is away
    await eventually(lambda: len(server.subscriptions) == 2)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2, 3, 4]
    assert server.subscriptions == [(JOB, 0), (JOB, 2)]
    assert server.named_at_connect == [{JOB: 0}, {JOB: 2}], "named in the connect payload too"
    assert len(sleeps.delays) == 1


async def test_retries_a_refused_connection_with_growing_jittered_delays(server):
    server.create(JOB)
    server.up = False
    sleeps = Sleeps()
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB, sleeps=sleeps), got))
    await eventually(lambda: len(sleeps.delays) >= 4)
    server.append(JOB, EventType.COMPLETED, JobState.COMPLETED)
    server.up = True
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1]
    first_four = sleeps.delays[:4]
    assert first_four == sorted(first_four) and first_four[0] < first_four[3]


async def test_gives_up_after_max_attempts(server):
    server.create(JOB)
    server.up = False
    watch = watch_of(server, JOB, max_attempts=3)
    with pytest.raises(FeedUnavailable, match="gave up after 3 attempts"):
        await asyncio.wait_for(consume(watch, []), 5)
    assert server.connects == 4


async def test_an_expired_session_reconnects_at_once_without_backoff(server):
    server.create(JOB)
    sleeps = Sleeps()
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB, sleeps=sleeps), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB)
    await eventually(lambda: len(got) == 1)
    server.expire_sessions()
    await eventually(lambda: len(server.subscriptions) == 2)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2]
    assert sleeps.delays == []


async def test_a_refused_token_ends_the_watch_with_unauthorized(server):
    server.create(JOB)
    server.refuse_unauthorized = True
    with pytest.raises(Unauthorized, match="token expired"):
        await asyncio.wait_for(consume(watch_of(server, JOB), []), 5)


async def test_watching_an_unknown_job_raises_not_found(server):
    with pytest.raises(NotFound):
        await asyncio.wait_for(consume(watch_of(server, "job-missing"), []), 5)


async def test_resync_resubscribes_from_the_last_seq(server):
    server.create(JOB)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB)
    await eventually(lambda: len(got) == 1)
    server.append(JOB)
    server.resync(JOB, since=1)
    await eventually(lambda: len(server.subscriptions) == 2)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got) == [1, 2, 3]
    assert server.subscriptions[-1] == (JOB, 1)


async def test_a_snapshot_stands_for_everything_up_to_its_seq(server):
    server.create(JOB)
    got: list[JobEvent] = []
    watch = watch_of(server, JOB)
    task = asyncio.create_task(consume(watch, got))
    await eventually(lambda: len(server.subscriptions) == 1)
    for _ in range(5):
        server.append(JOB)
    snapshot = make_event(JOB, 5, EventType.SNAPSHOT, progress=40.0).model_copy(
        update={"data": {"record": server.records[JOB].model_dump(mode="json")}}
    )
    server.deliver(snapshot)
    server.deliver(server.events[JOB][3])  # seq 4: older than the snapshot, dropped
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert [(e.seq, e.type) for e in got] == [
        (5, EventType.SNAPSHOT),
        (6, EventType.COMPLETED),
    ]


async def following_the_user(
    server: FakeFeedServer, got: list[JobEvent]
) -> tuple[JobWatch, asyncio.Task[None]]:
    """A watch of JOB that also takes in the user's other jobs, once it has subscribed."""
    server.create(JOB)
    watch = watch_of(server, JOB, follow_active=True)
    task = asyncio.create_task(consume(watch, got))
    await eventually(lambda: len(server.subscriptions) == 1)
    return watch, task


async def test_after_a_reconnect_it_takes_in_the_users_other_active_jobs(server):
    got: list[JobEvent] = []
    watch, task = await following_the_user(server, got)
    server.drop_all()
    server.create(OTHER)  # started while the client was away
    server.append(OTHER, EventType.STARTED)
    await eventually(lambda: (OTHER, 0) in server.subscriptions)
    server.publish(OTHER, EventType.COMPLETED, JobState.COMPLETED)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert seqs(got, OTHER) == [1, 2]
    assert seqs(got, JOB) == [1]
    assert set(watch.job_ids) == {JOB, OTHER}


async def test_following_the_user_picks_up_new_jobs_from_the_user_room(server):
    got: list[JobEvent] = []
    watch = watch_of(server, follow_active=True, until_done=False)
    task = asyncio.create_task(consume(watch, got))
    await eventually(lambda: server.connects == 1 and len(server.live()) == 1)
    server.create(JOB)
    server.publish(JOB, EventType.CREATED)
    server.publish(JOB, EventType.STARTED)
    await eventually(lambda: seqs(got) == [1, 2])
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert server.closed == 1


async def test_events_of_unwatched_jobs_are_ignored(server):
    server.create(JOB)
    server.create(OTHER)
    got: list[JobEvent] = []
    task = asyncio.create_task(consume(watch_of(server, JOB), got))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(OTHER)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert [e.job_id for e in got] == [JOB]


async def test_records_follow_the_events(server):
    server.create(JOB)
    watch = watch_of(server, JOB)
    task = asyncio.create_task(consume(watch, []))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert watch.records[JOB].state is JobState.COMPLETED
    assert watch.last_seq(JOB) == 1


def test_backoff_grows_to_its_cap_and_keeps_a_floor():
    low = Backoff(initial=1, factor=2, maximum=8, rng=lambda: 0.0)
    high = Backoff(initial=1, factor=2, maximum=8, rng=lambda: 0.999)
    assert [low.delay(n) for n in range(5)] == [0.5, 1, 2, 4, 4]
    assert all(low.delay(n) <= high.delay(n) <= low.ceiling(n) for n in range(8))
    assert high.delay(100) < 8


async def test_a_users_job_that_is_gone_by_its_subscribe_is_not_followed(server):
    got: list[JobEvent] = []
    watch, task = await following_the_user(server, got)
    server.deliver(make_event("job-gone", 1))  # deleted before the watch could subscribe
    await eventually(lambda: ("job-gone", 0) in server.subscriptions)
    server.publish(JOB, EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 5)
    assert [e.job_id for e in got] == [JOB]
    assert watch.job_ids == [JOB]


async def test_the_progress_shown_never_goes_back(server):
    server.create(JOB)
    watch = watch_of(server, JOB)
    task = asyncio.create_task(consume(watch, []))
    await eventually(lambda: len(server.subscriptions) == 1)
    server.deliver(make_event(JOB, 1, progress=40.0))
    server.deliver(make_event(JOB, 2, progress=30.0))
    await eventually(lambda: watch.last_seq(JOB) == 2)
    assert watch.progress(JOB) == 40.0
    assert watch.records[JOB].progress == 40.0
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
