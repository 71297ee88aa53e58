"""Jobs named in the connect payload: their replays come ahead of the user room's live events.

A ``subscribe`` sent after connecting can find the user room already delivering newer events
of the job, so the older ones it replays arrive after them. Naming the job at connect sets up
the replay before the connection follows its user's stream: a bare Socket.IO client then sees
every seq once and in order across reconnects.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry
from jobwire.client.feed import EventMessage, SocketIOConnector
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.api_stack import Api, api_serving
from tests.support.feed_client import FeedClient

pytestmark = pytest.mark.integration

TERMINAL = {"job.completed", "job.failed", "job.cancelled"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A live event per item (not four a second), so the user room is busy while a
    reconnecting client's replay is read."""
    return settings.model_copy(update={"progress_event_seconds": 0.0})


async def submit(api: Api, user: str, **spec: object) -> str:
    async with api.client(user) as http:
        response = await http.post("/api/jobs", json={"type": "count"} | spec)
        assert response.status_code == 201, response.text
        return str(response.json()["job_id"])


async def wait_until_published(api: Api, job_id: str, beyond: int) -> None:
    """Lets the job run on while nobody listens, so a reconnect has something to replay."""
    async with api.client("alice") as http:

        async def moved_on() -> bool:
            page = await http.get(f"/api/jobs/{job_id}/events", params={"since": beyond})
            events = page.json()["events"]
            return len(events) >= 10 or any(e["type"] in TERMINAL for e in events)

        await assert_eventually(moved_on, timeout=30)


async def ten_events_after(api: Api, job_id: str, since: int) -> FeedClient:
    """One connection naming the job at connect: open, ten events (or the end), closed."""
    feed = FeedClient(
        api.base_url, api.token("alice"), subscriptions=[{"job_id": job_id, "since": since}]
    )
    await feed.connect()
    try:
        await feed.until(
            lambda: len(feed.events(job_id)) >= 10 or finished(feed.events(job_id)),
            what=f"nothing after seq {since}",
        )
    finally:
        await feed.close()
    return feed


def about(feed: FeedClient, job_id: str) -> list[tuple[str, Any]]:
    """What one connection received about one job, in arrival order."""
    return [(name, data) for name, data in feed.received if data.get("job_id") == job_id]


def finished(events: list[dict[str, Any]]) -> bool:
    return any(e["type"] in TERMINAL for e in events)


async def test_a_client_naming_its_job_at_each_reconnect_gets_every_seq_once_in_order(
    api: Api,
) -> None:
    # Another of alice's connections (her status bar) keeps her user stream followed here,
    # so the room's live events reach a new connection the moment it joins.
    status_bar = await FeedClient(api.base_url, api.token("alice")).connect()
    job_id = await submit(api, "alice", items=400, item_seconds=0.01)
    try:
        rounds = await reconnect_until_finished(api, job_id)
    finally:
        await status_bar.close()
    assert rounds >= 3, "the job ended before the reconnects were tried"


async def reconnect_until_finished(api: Api, job_id: str) -> int:
    """Connects, takes ten events, leaves, lets the job move on, and again, naming the job
    with ``since`` in the connect payload; checks each connection's order and returns the
    number of connections it took."""
    seqs: list[int] = []
    done = False
    rounds = 0
    while not done:
        rounds += 1
        assert rounds <= 40, "the job never finished"
        since = seqs[-1] if seqs else 0
        feed = await ten_events_after(api, job_id, since)
        got = [event["seq"] for event in feed.events(job_id)]
        assert got == list(range(since + 1, since + 1 + len(got))), (since, got)
        [notice] = feed.of("subscribed")
        assert notice["ok"] is True and notice["job"]["job_id"] == job_id
        assert notice["last_seq"] >= since
        assert about(feed, job_id)[0][0] == "subscribed", "the notice comes first"
        seqs += got
        done = finished(feed.events(job_id))
        if not done:
            await wait_until_published(api, job_id, seqs[-1])
    assert seqs == list(range(1, len(seqs) + 1))
    return rounds


async def test_a_subscribe_message_after_the_same_connect_subscription_sends_nothing_again(
    api: Api,
) -> None:
    job_id = await submit(api, "alice", items=60, item_seconds=0.02)
    await wait_until_published(api, job_id, 0)
    feed = FeedClient(
        api.base_url, api.token("alice"), subscriptions=[{"job_id": job_id, "since": 0}]
    )
    await feed.connect()
    try:
        await feed.until(lambda: len(feed.events(job_id)) >= 5, what="no replay")
        ack = await feed.call("subscribe", {"job_id": job_id, "since": 0})
        assert ack["ok"] is True
        events = await feed.until_finished(job_id)
    finally:
        await feed.close()
    got = [event["seq"] for event in events]
    assert got == list(range(1, len(got) + 1)), "once each, in order"


async def test_each_named_job_is_answered_and_a_refused_one_spoils_nothing(api: Api) -> None:
    mine = await submit(api, "alice", items=20, item_seconds=0.02)
    theirs = await submit(api, "mallory", items=1)
    await wait_until_published(api, mine, 0)
    feed = FeedClient(
        api.base_url,
        api.token("alice"),
        subscriptions=[
            {"job_id": theirs, "since": 0},
            {"job_id": "not-a-job"},
            {"job_id": mine},
        ],
    )
    await feed.connect()
    try:
        await feed.until(lambda: len(feed.of("subscribed")) == 3, what="not every job answered")
        events = await feed.until_finished(mine)
    finally:
        await feed.close()
    by_job = {notice["job_id"]: notice for notice in feed.of("subscribed")}
    for refused in (theirs, "not-a-job"):
        assert by_job[refused]["ok"] is False
        assert by_job[refused]["error"]["status"] == 404
    assert feed.events(theirs) == [], "nothing of another user's job"
    # Without since, only what comes after the job's last seq at connect.
    after = by_job[mine]["last_seq"]
    assert after >= 1 and by_job[mine]["ok"] is True
    got = [event["seq"] for event in events]
    assert got == list(range(after + 1, after + 1 + len(got)))
    assert events[-1]["type"] == "job.completed"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subscriptions": "job-1"}, "subscriptions"),
        ({"subscriptions": [{"job_id": "job-1", "since": -1}]}, "subscriptions.0.since"),
        ({"subscriptions": [{"job_id": ""}]}, "subscriptions.0.job_id"),
        ({"subscriptions": [{"job": "job-1"}]}, "subscriptions.0.job_id"),
        ({"subscriptions": [{"job_id": "job-1"}, {"job_id": "job-1"}]}, "subscriptions"),
        ({"subscriptions": [{"job_id": f"job-{n}"} for n in range(101)]}, "subscriptions"),
        ({"subscription": []}, "subscription"),
    ],
)
async def test_a_malformed_connect_payload_is_refused_naming_the_field(
    api: Api, payload: dict[str, Any], field: str
) -> None:
    client = FeedClient(api.base_url, api.token("alice"))
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.sio.connect(
            api.base_url,
            auth={"token": api.token("alice")} | payload,
            namespaces=["/jobs"],
            transports=["websocket"],
            wait_timeout=10,
        )
    [reason] = client.of("connect_error")
    assert reason["code"] == "invalid_auth", reason
    assert field in [error["field"] for error in reason["errors"]], reason
    assert reason["message"]


async def test_clients_that_subscribed_before_the_job_published_anything_get_every_event(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    """The job is accepted while no worker runs, so it publishes nothing until one starts:
    one client names it at connect, one subscribes by message, and one names it, leaves,
    and comes back with ``since`` 0 once the job is done."""
    async with api_serving(settings, temporal_client, redis, counting_registry()) as api:
        job_id = await submit(api, "alice", items=30, item_seconds=0.02)
        named = FeedClient(
            api.base_url, api.token("alice"), subscriptions=[{"job_id": job_id, "since": 0}]
        )
        by_message = FeedClient(api.base_url, api.token("alice"))
        left = FeedClient(
            api.base_url, api.token("alice"), subscriptions=[{"job_id": job_id, "since": 0}]
        )
        await by_message.connect()
        try:
            # With no worker to answer its query, a subscribe waits 5 s for it; a connect
            # naming the job does not: its answer comes after the handshake.
            ack, *_ = await asyncio.gather(
                by_message.call("subscribe", {"job_id": job_id}),
                named.connect(wait_timeout=3),
                left.connect(wait_timeout=3),
            )
            await named.until(lambda: bool(named.of("subscribed")), what="no answer")
            await left.until(lambda: bool(left.of("subscribed")), what="no answer")
            await left.close()
            for answer in (ack, named.of("subscribed")[0], left.of("subscribed")[0]):
                assert answer["ok"] is True and answer["last_seq"] == 0, "nothing published yet"
            async with api.worker():
                finished = [await f.until_finished(job_id) for f in (named, by_message)]
                back = FeedClient(
                    api.base_url,
                    api.token("alice"),
                    subscriptions=[{"job_id": job_id, "since": 0}],
                )
                await back.connect()
                finished.append(await back.until_finished(job_id))
                await back.close()
        finally:
            await named.close()
            await by_message.close()
    for events in finished:
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[0]["type"] == "job.created" and events[-1]["type"] == "job.completed"
    assert left.events(job_id) == []


async def test_the_client_library_names_its_jobs_at_connect_and_gets_them_in_order(
    api: Api,
) -> None:
    status_bar = await FeedClient(api.base_url, api.token("alice")).connect()
    job_id = await submit(api, "alice", items=200, item_seconds=0.01)
    try:
        await wait_until_published(api, job_id, 5)
        conn = await SocketIOConnector(api.base_url, api.token("alice"))({job_id: 5})
        try:
            ack = await conn.subscribe(job_id, 5)
            got: list[int] = []
            while len(got) < 20:
                message = await asyncio.wait_for(conn.receive(), 15)
                if isinstance(message, EventMessage) and message.event.job_id == job_id:
                    got.append(message.event.seq)
        finally:
            await conn.close()
    finally:
        await status_bar.close()
    assert ack.last_seq >= 15
    assert got == list(range(6, 26)), "the replay, then live, in order on the socket"
