"""A ``subscribe`` sent after connecting is as ordered as a job named at connect: after its
ack, every seq after ``since`` once and in order, through the catch-up and then live.

The user room brings the job's events from the connect on; the subscription holds them back
while it reads the job's stream, reads again if one went past meanwhile, and goes live only
when a read brought everything. Events the room brought before the ack may come again after
it (a client drops a seq it has). Also: the hub's room broadcasts stay in seq order when two
publishers of a retried job copy its events to the feed out of order.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path
from typing import Any, cast

import pytest
import socketio
from redis.asyncio import Redis
from redis.exceptions import RedisError
from temporalio.client import Client

from activities.runtime.publisher import RedisEventPublisher
from jobwire import redis_keys as keys
from jobwire.contract.events import EventDraft, EventType, JobEvent
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since
from jobwire.settings import Settings
from realtime.client import Client as HubClient
from realtime.client import Subscription
from realtime.hub import Hub
from tests.helpers import assert_eventually
from tests.integration.realtime.limited_stack import limited_api
from tests.support.api_stack import Api
from tests.support.feed_client import FeedClient

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
NODE_CLIENT = Path(__file__).with_name("subscribe_after_connect.cjs")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A live event per item, so the user room is busy while the subscription catches up."""
    return settings.model_copy(update={"progress_event_seconds": 0.0})


async def running_job(api: Api, since: int) -> str:
    """A job of alice's that has published past ``since`` and goes on publishing."""
    async with api.client("alice") as http:
        response = await http.post(
            "/api/jobs", json={"type": "count", "items": 150, "item_seconds": 0.01}
        )
        assert response.status_code == 201, response.text
        job_id = str(response.json()["job_id"])

        async def published() -> bool:
            page = await http.get(f"/api/jobs/{job_id}/events", params={"since": since})
            return len(page.json()["events"]) >= 3

        await assert_eventually(published, timeout=30)
    return job_id


async def test_a_subscribe_after_connecting_gets_every_seq_after_since_once_in_order(
    api: Api,
) -> None:
    status_bar = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        job_id = await running_job(api, since=5)
        feed = await FeedClient(api.base_url, api.token("alice")).connect()
        try:
            await feed.until(lambda: bool(feed.events(job_id)), what="the user room is silent")
            ack = await feed.call_marked("subscribe", {"job_id": job_id, "since": 5})
            await feed.until_finished(job_id)
        finally:
            await feed.close()
    finally:
        await status_bar.close()
    assert ack["ok"] is True and ack["last_seq"] > 5
    got = [event["seq"] for event in feed.after_ack(job_id)]
    assert got == list(range(6, 6 + len(got))), "the catch-up, then live, once each in order"
    assert feed.after_ack(job_id)[-1]["type"] == "job.completed"


async def test_the_official_socket_io_client_subscribing_after_connect_sees_seqs_in_order(
    api: Api,
) -> None:
    """The issue's case: socket.io-client connected, then subscribed with since 5, and saw
    seq 6 before the replay of 1 to 5."""
    status_bar = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        job_id = await running_job(api, since=0)
        node = await asyncio.create_subprocess_exec(
            "node", str(NODE_CLIENT), str(ROOT / "web"), api.base_url, api.token("alice"),
            job_id, "0", stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        stdout, _ = await asyncio.wait_for(node.communicate(), 90)
    finally:
        await status_bar.close()
    lines = [json.loads(line) for line in stdout.decode().splitlines()]
    assert node.returncode == 0, lines[-3:]
    kinds = [line["kind"] for line in lines]
    after = [line for line in lines[kinds.index("ack") + 1 :] if line["kind"] == "job_event"]
    assert [line["seq"] for line in after] == list(range(1, len(after) + 1))
    assert after[-1]["type"] == "job.completed"


class Room:
    """python-socketio's emit and rooms as the hub uses them, recording who got what."""

    def __init__(self) -> None:
        self.members: list[str] = []
        self.got: dict[str, list[int]] = {}

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        self.members.append(sid)

    async def emit(self, event: str, data: Any, room: str = "", **kwargs: Any) -> None:
        skip = kwargs.get("skip_sid") or []
        for sid in [kwargs["to"]] if kwargs.get("to") else self.members:
            if sid not in skip and event == "job_event":
                self.got.setdefault(sid, []).append(int(data["seq"]))

    def start_background_task(self, target: Any, *args: Any) -> asyncio.Task[None]:
        return asyncio.create_task(target(*args))


async def joined(settings: Settings, redis: Redis) -> tuple[Room, Hub, HubClient, str]:
    """A hub broadcasting to a recording room, and one connection of a new user in it."""
    room, user = Room(), f"user-{uuid.uuid4().hex[:6]}"
    hub = Hub(cast(socketio.AsyncServer, room), settings, cast(JobService, None), redis)
    client = hub.open("s1", user, None, None)
    await hub.join(client)
    return room, hub, client, user


async def published(settings: Settings, redis: Redis, user: str, count: int) -> list[JobEvent]:
    publisher, job_id = RedisEventPublisher(redis, settings), f"job-{uuid.uuid4()}"
    events = []
    for n in range(count):
        draft = EventDraft(
            job_id=job_id, user_id=user, type=EventType.PROGRESS, state=JobState.RUNNING,
            progress=float(n),
        )  # fmt: skip
        event = await publisher.publish(draft)
        assert event is not None
        events.append(event)
    return events


async def test_the_feed_out_of_order_still_reaches_the_room_in_order_once(
    settings: Settings, redis: Redis
) -> None:
    room, hub, _, user = await joined(settings, redis)
    one, two, three, four, five = await published(settings, redis, user, 5)
    for event in (one, three, two, two, five, four):  # a retried job's two publishers
        await hub._on_event(user, event)
    assert room.got == {"s1": [1, 2, 3, 4, 5]}, "a gap is read from the job's stream"


async def test_a_live_event_during_the_catch_up_is_read_again_not_sent_out_of_order(
    settings: Settings, redis: Redis
) -> None:
    room, hub, client, user = await joined(settings, redis)
    events = await published(settings, redis, user, 3)
    for event in events:
        await hub._on_event(user, event)  # the room brought 1 to 3 before the subscribe
    [fourth] = await published_more(settings, redis, events[0])
    record = cast(Any, type("Record", (), {"job_id": events[0].job_id, "seq": 4}))
    last, run = await hub.subscriptions.subscribe(client, record, 1, spec=False, after=None)
    assert last == 4 and run is not None
    await hub._on_event(user, fourth)  # live while the catch-up is under way: skipped, dirty
    [fifth] = await published_more(settings, redis, events[0])
    reading = asyncio.create_task(run())
    await hub._on_event(user, fifth)  # ... and again
    await reading
    [sixth] = await published_more(settings, redis, events[0])
    await hub._on_event(user, sixth)  # live: straight from the room
    assert room.got["s1"] == [1, 2, 3, 2, 3, 4, 5, 6]
    assert client.subs[events[0].job_id].live


async def published_more(settings: Settings, redis: Redis, like: JobEvent) -> list[JobEvent]:
    draft = EventDraft(
        job_id=like.job_id, user_id=like.user_id, type=EventType.PROGRESS,
        state=JobState.RUNNING, progress=50.0,
    )  # fmt: skip
    event = await RedisEventPublisher(redis, settings).publish(draft)
    assert event is not None
    return [event]


async def test_a_refused_subscribe_with_since_holds_nothing_back(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    """A job with ``since`` is held while its owner is checked; a refusal lets go of it."""
    async with limited_api(settings, temporal_client, redis) as api:
        feed = await FeedClient(api.base_url, api.token(f"m-{uuid.uuid4().hex[:6]}")).connect()
        try:
            foreign = f"job-{uuid.uuid4()}"
            refused = await feed.call("subscribe", {"job_id": foreign, "since": 0})
            assert refused["ok"] is False and refused["error"]["status"] == 404
            [client] = api.hub.connections.values()
            assert client.subs == {}, "nothing of the refused job is held back any more"
        finally:
            await feed.close()


async def test_a_catch_up_that_cannot_read_redis_holds_the_job_and_tries_again(
    settings: Settings, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, hub, client, user = await joined(settings, redis)
    events = await published(settings, redis, user, 3)
    failures = [RedisError("down")]

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await read_since(*args, **kwargs)

    monkeypatch.setattr("realtime.subscription.read_since", flaky)
    monkeypatch.setattr("realtime.subscription.RETRY_SECONDS", 0.01)
    record = cast(Any, type("Record", (), {"job_id": events[0].job_id}))
    last, run = await hub.subscriptions.subscribe(client, record, 0, spec=False, after=None)
    assert last == 0 and run is not None, "Redis down: the ack says since, the replay waits"
    reading = asyncio.create_task(run())
    for event in events:  # the feed is back before the catch-up's next read
        await hub._on_event(user, event)
    await reading
    assert room.got["s1"] == [1, 2, 3] and client.subs[events[0].job_id].live


async def test_a_catch_up_that_fails_otherwise_goes_live_rather_than_hold_the_job(
    settings: Settings, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    _, hub, client, user = await joined(settings, redis)
    events = await published(settings, redis, user, 2)
    stream = keys.job_events(events[0].job_id)
    await redis.xtrim(stream, maxlen=1, approximate=False)  # seq 1 expired: a snapshot is due
    record = cast(Any, type("Record", (), {"job_id": events[0].job_id, "seq": 2}))
    _, run = await hub.subscriptions.subscribe(client, record, 0, spec=False, after=None)
    assert run is not None
    await run()  # the snapshot's record cannot be read: no JobService here
    assert client.subs[events[0].job_id].live, "the room's events of the job flow again"
    assert "catching up" in caplog.text and events[0].job_id in caplog.text


async def test_a_live_subscribe_starts_at_its_record_not_at_the_jobs_counter(
    settings: Settings, redis: Redis
) -> None:
    """Nothing of the job broadcast to this user yet: the ack's record and the events after
    its ``last_seq`` are the whole job, though the worker has numbered more already."""
    room, hub, client, user = await joined(settings, redis)
    events = await published(settings, redis, user, 5)  # numbered; 4 and 5 not yet relayed
    record = cast(Any, type("Record", (), {"job_id": events[0].job_id, "seq": 3}))
    last, run = await hub.subscriptions.subscribe(client, record, None, spec=False, after=None)
    assert (last, run) == (3, None)
    for event in events:  # the feed brings them now
        await hub._on_event(user, event)
    assert room.got["s1"] == [4, 5]


async def test_a_live_subscribe_claims_no_event_its_record_has_not_taken_in(
    settings: Settings, redis: Redis
) -> None:
    """The room brought 4 and 5 while the record (at 3) was read: the ack says 3, so a client
    applies 4 and 5 to it rather than dropping them as already in the record."""
    room, hub, client, user = await joined(settings, redis)
    events = await published(settings, redis, user, 5)
    for event in events:
        await hub._on_event(user, event)
    record = cast(Any, type("Record", (), {"job_id": events[0].job_id, "seq": 3}))
    after = hub.position(user, events[0].job_id)
    assert after == 5
    last, run = await hub.subscriptions.subscribe(client, record, None, spec=False, after=after)
    assert (last, run) == (3, None)
    [sixth] = await published_more(settings, redis, events[0])
    await hub._on_event(user, sixth)
    assert room.got["s1"] == [1, 2, 3, 4, 5, 6], "live from the room, each once"


async def test_an_ack_with_since_is_at_its_records_seq_though_the_replay_reads_further(
    settings: Settings, redis: Redis
) -> None:
    """The record was read at 3, then 4 and 5 were published before the stream was read: the
    ack says 3 (a client takes its record as the job as of that seq) and the replay sends 2
    to 5, so 4 and 5 are taken into the record rather than passed over as already in it."""
    room, hub, client, user = await joined(settings, redis)
    events = await published(settings, redis, user, 5)
    record = cast(Any, type("Record", (), {"job_id": events[0].job_id, "seq": 3}))
    last, run = await hub.subscriptions.subscribe(client, record, 1, spec=False, after=None)
    assert last == 3 and run is not None
    await run()
    assert room.got["s1"] == [2, 3, 4, 5] and client.subs[events[0].job_id].live


async def test_a_job_named_at_connect_without_since_replays_what_it_held_back(
    settings: Settings, redis: Redis
) -> None:
    room, user = Room(), f"user-{uuid.uuid4().hex[:6]}"
    hub = Hub(cast(socketio.AsyncServer, room), settings, cast(JobService, None), redis)
    client = hub.open("s1", user, None, None)
    events = await published(settings, redis, user, 5)
    job_id = events[0].job_id
    client.subs[job_id] = Subscription(None)  # named at connect: held until its answer
    await hub.join(client)
    for event in events[3:]:  # relayed while its answer was being read: held back
        await hub._on_event(user, event)
    record = cast(Any, type("Record", (), {"job_id": job_id, "seq": 3}))
    last, run = await hub.subscriptions.subscribe(
        client, record, None, spec=False, after=hub.position(user, job_id), fresh=True
    )
    assert last == 3 and run is not None, "the ack's record is at 3: what follows is after it"
    await run()
    [sixth] = await published_more(settings, redis, events[0])
    await hub._on_event(user, sixth)
    assert room.got["s1"] == [4, 5, 6], "the record at 3, then every later seq once, in order"
