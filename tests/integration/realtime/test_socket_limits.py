"""Each socket costs a bounded amount: what an attacker tried against a running stack, on a
real port, with real Socket.IO clients and a real Redis."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import uuid

import pytest
from redis.asyncio import Redis
from temporalio.client import Client
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from activities.runtime.publisher import RedisEventPublisher
from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from realtime.hub import Hub
from tests.helpers import assert_eventually
from tests.integration.realtime.limited_stack import limited_api, raw_client, read_all, stop_reading
from tests.support.api_stack import Api
from tests.support.feed_client import FeedClient

pytestmark = pytest.mark.integration


async def submit(api: Api, user: str, **spec: object) -> str:
    async with api.client(user) as http:
        response = await http.post("/api/jobs", json={"type": "count"} | spec)
        assert response.status_code == 201, response.text
        return str(response.json()["job_id"])


async def test_acks_carry_the_spec_only_when_asked(api: Api) -> None:
    job_id = await submit(api, "alice", items=3, item_seconds=0.01)
    feed = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        plain = await feed.call("subscribe", {"job_id": job_id})
        asked = await feed.call("subscribe", {"job_id": job_id, "include_spec": True})
    finally:
        await feed.close()
    assert plain["ok"] and plain["job"]["job_id"] == job_id
    assert plain["job"]["spec"] == {}, "the spec stays out of an ack unless asked for"
    assert asked["ok"] and asked["job"]["spec"]["type"] == "count"
    assert asked["job"]["spec"]["items"] == 3


async def test_client_sent_connect_and_disconnect_are_refused_and_the_socket_still_works(
    api: Api,
) -> None:
    job_id = await submit(api, "alice", items=3, item_seconds=0.01)
    feed = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        for reserved in ("disconnect", "connect", "connect_error"):
            answer = await feed.call(reserved, {"token": "x"})
            assert answer["ok"] is False, reserved
            assert answer["error"]["status"] == 400, answer
        ack = await feed.call("subscribe", {"job_id": job_id, "since": 0})
        assert ack["ok"] is True, ack
        await feed.until_finished(job_id)
    finally:
        await feed.close()
    assert len(feed.of("client_error")) == 3


async def test_a_foreign_origin_is_refused_and_the_same_origin_accepted(api: Api) -> None:
    """What a browser on another site would open; scripts send no Origin (the other tests)."""
    url = api.base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(InvalidStatus):
        async with connect(url, origin=Origin("http://attacker.example")):
            pass
    async with connect(url, origin=Origin(api.base_url)) as ws:
        assert str(await ws.recv()).startswith("0{"), "the Engine.IO handshake"


async def test_a_client_over_its_message_rate_is_refused_then_disconnected(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    async with limited_api(settings, temporal_client, redis, socket_messages_per_second=5) as api:
        feed = await FeedClient(api.base_url, api.token(f"rate-{uuid.uuid4().hex[:6]}")).connect()
        gone = asyncio.Event()
        feed.sio.on("disconnect", lambda *_: gone.set(), namespace="/jobs")
        answers = [await feed.call("unsubscribe", {"job_id": "job-x"}) for _ in range(6)]
        assert [a["ok"] for a in answers] == [True] * 5 + [False]
        assert answers[-1]["error"]["status"] == 429
        for _ in range(10):  # it keeps going regardless
            if not gone.is_set():
                await feed.sio.emit("unsubscribe", {"job_id": "job-x"}, namespace="/jobs")
        await asyncio.wait_for(gone.wait(), 10)
        await assert_eventually(lambda: _none_left(api.hub), timeout=10)
        await feed.close()


async def _none_left(hub: Hub) -> bool:
    return not hub.connections


async def test_a_client_that_stops_reading_is_told_to_resync_then_cut_off_with_bounded_queues(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    user = f"sloth-{uuid.uuid4().hex[:6]}"
    job_id = f"job-{uuid.uuid4()}"
    buffer, lag = 50, 300
    async with (
        limited_api(
            settings,
            temporal_client,
            redis,
            socket_buffer_events=buffer,
            socket_max_lag_events=lag,
        ) as api,
        raw_client(api.port, api.token(user)) as ws,
    ):
        stop_reading(ws)
        publisher = RedisEventPublisher(redis, api.settings)
        peak_engine = 0
        for n in range(1, 6001):
            draft = EventDraft(
                job_id=job_id, user_id=user, type=EventType.PROGRESS, state=JobState.RUNNING,
                progress=n / 100, data={"padding": base64.b64encode(os.urandom(3000)).decode()},
            )  # fmt: skip
            assert await publisher.publish(draft) is not None
            await asyncio.sleep(0.002)  # a feed, not one burst: the sender keeps up with it
            peak_engine = max([peak_engine, *api.engine_queue_sizes()])
            if not api.hub.connections and n > 100:
                break
        await assert_eventually(
            lambda: _none_left(api.hub), timeout=20, message="the non-reader was never let go"
        )
        assert peak_engine <= buffer + 4, "what waits is bounded: the buffer, a resync, pings"
        received = await read_all(ws, timeout=10)
    resyncs = [json.loads(m.split(",", 1)[1]) for m in received if '["resync"' in m]
    assert resyncs and resyncs[0][1]["job_id"] == job_id, received[-5:]
    since = resyncs[0][1]["since"]
    seqs = [json.loads(m.split(",", 1)[1])[1]["seq"] for m in received if '["job_event"' in m]
    assert seqs == list(range(1, since + 1)), "everything up to the resync's since, in order"
    assert "41/jobs," in received, "a Socket.IO disconnect after the resync"


async def test_a_malformed_packet_is_logged_in_one_line_without_a_traceback(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    port = int(api.base_url.rsplit(":", 1)[1])
    async with raw_client(port, api.token("mallory")) as ws:
        for garbage in ('42/jobs,["subscribe",{', "47/jobs,[]", "4x", '42/jobs,{"a":1}'):
            await ws.send(garbage)
        await ws.send('42/jobs,1["unsubscribe",{"job_id":"job-x"}]')
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                while not str(await ws.recv()).startswith("43/jobs,1"):
                    pass
    await asyncio.sleep(0.2)
    noisy = [r for r in caplog.records if r.exc_info or r.exc_text or "Traceback" in r.getMessage()]
    assert not noisy, [r.getMessage() for r in noisy]
    assert all("\n" not in r.getMessage() for r in caplog.records)


async def test_an_event_published_once_connected_reaches_a_client_that_named_no_job(
    settings: Settings, temporal_client: Client, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first client of an instance makes its feed take a position in the feed stream; the
    client must be told it is connected only after that, or an event published in between is
    skipped (seen under load: a non-reading client's first event was missing)."""
    user = f"early-{uuid.uuid4().hex[:6]}"
    job_id = f"job-{uuid.uuid4()}"
    async with limited_api(settings, temporal_client, redis) as api:
        feed, follow = api.hub.feed, api.hub.feed.follow

        async def slow_follow() -> None:
            await asyncio.sleep(0.5)  # a Redis round trip on a busy machine
            await follow()

        monkeypatch.setattr(feed, "follow", slow_follow)
        async with raw_client(api.port, api.token(user)) as ws:
            draft = EventDraft(
                job_id=job_id, user_id=user, type=EventType.PROGRESS, state=JobState.RUNNING,
                progress=1.0,
            )  # fmt: skip
            assert await RedisEventPublisher(redis, api.settings).publish(draft) is not None
            first = ""
            async with asyncio.timeout(10):
                while '["job_event"' not in first:
                    first = str(await ws.recv())
    assert json.loads(first.split(",", 1)[1])[1]["seq"] == 1
