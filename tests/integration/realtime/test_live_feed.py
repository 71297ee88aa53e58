"""The live feed with real Socket.IO clients over a real port, a real worker and Redis."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import socketio

from jobwire import redis_keys as keys
from jobwire.auth.tokens import issue_token
from jobwire.contract.states import JobState
from tests.support.api_stack import Api
from tests.support.feed_client import FeedClient

pytestmark = pytest.mark.integration


async def submit(api: Api, user: str, **spec: object) -> str:
    async with api.client(user) as http:
        response = await http.post("/api/jobs", json={"type": "count"} | spec)
        assert response.status_code == 201, response.text
        return str(response.json()["job_id"])


def seqs(events: list[dict[str, object]]) -> list[object]:
    return [e["seq"] for e in events]


def in_order(numbers: list[object], first: int = 1) -> bool:
    """Every seq from ``first`` on, once each and in order."""
    return numbers == list(range(first, first + len(numbers)))


async def test_a_subscriber_sees_every_seq_once_from_1_to_the_end(api: Api) -> None:
    job_id = await submit(api, "alice", items=40, item_seconds=0.02)
    feed = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        ack = await feed.call_marked("subscribe", {"job_id": job_id, "since": 0})
        assert ack["ok"] is True and ack["job"]["job_id"] == job_id
        await feed.until_finished(job_id)
    finally:
        await feed.close()
    events = feed.after_ack(job_id)
    assert in_order(seqs(events)), "after the ack: the replay from 1, then live"
    assert events[-1]["type"] == "job.completed"
    assert all(e["user_id"] == api.user("alice") for e in events)


async def test_reconnecting_with_since_gives_exactly_the_missed_events_then_live(
    api: Api,
) -> None:
    job_id = await submit(api, "alice", items=120, item_seconds=0.03)
    first = await FeedClient(api.base_url, api.token("alice")).connect()
    await first.call_marked("subscribe", {"job_id": job_id, "since": 0})
    await first.until(lambda: len(first.after_ack(job_id)) >= 5, what="no events at all")
    await first.close()
    seen = first.after_ack(job_id)
    last = seen[-1]["seq"]

    async with api.client("alice") as http:  # events go on while nobody listens

        async def moved_on() -> bool:
            page = (await http.get(f"/api/jobs/{job_id}/events", params={"since": last})).json()
            return len(page["events"]) >= 3

        from tests.helpers import assert_eventually

        await assert_eventually(moved_on, timeout=30)

    second = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        ack = await second.call_marked("subscribe", {"job_id": job_id, "since": last})
        assert ack["ok"] and ack["last_seq"] >= last + 3
        await second.until_finished(job_id)
    finally:
        await second.close()
    assert in_order(seqs(seen) + seqs(second.after_ack(job_id)))


async def test_another_users_job_is_refused_and_their_events_never_arrive(api: Api) -> None:
    alice_job = await submit(api, "alice", items=20, item_seconds=0.01)
    mallory = await FeedClient(api.base_url, api.token("mallory")).connect()
    alice = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        refused = await mallory.call("subscribe", {"job_id": alice_job, "since": 0})
        assert refused == {"ok": False, "error": refused["error"]}
        assert refused["error"]["status"] == 404
        async with api.client("mallory") as http:
            rest = (await http.get(f"/api/jobs/{alice_job}")).json()
        del rest["instance"]
        assert refused["error"] == rest, "the socket refuses with the REST API's problem"
        control = await mallory.call("control", {"job_id": alice_job, "action": "cancel"})
        assert control["ok"] is False and control["error"]["status"] == 404
        await alice.call("subscribe", {"job_id": alice_job, "since": 0})
        await alice.until_finished(alice_job)
        assert alice.events(alice_job)[-1]["state"] == "completed", "mallory cancelled nothing"
    finally:
        await mallory.close()
        await alice.close()
    assert mallory.events() == []


async def test_events_of_the_users_jobs_arrive_without_subscribing_once_each(api: Api) -> None:
    feed = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        job_id = await submit(api, "alice", items=15, item_seconds=0.02)
        await feed.until(lambda: len(feed.events(job_id)) >= 2, what="the user room is silent")
        ack = await feed.call("subscribe", {"job_id": job_id})
        assert ack["ok"]
        events = await feed.until_finished(job_id)
    finally:
        await feed.close()
    numbers = seqs(events)
    assert numbers == sorted(set(numbers)), "in both rooms, still once each and in order"
    assert numbers == list(range(numbers[0], numbers[-1] + 1))


async def following_a_running_job(api: Api) -> tuple[str, FeedClient]:
    """A long job of alice's and her feed, subscribed to it once it runs."""
    job_id = await submit(api, "alice", items=500, item_seconds=0.02)
    feed = await FeedClient(api.base_url, api.token("alice")).connect()
    await feed.call("subscribe", {"job_id": job_id, "since": 0})
    await feed.until(lambda: any(e["state"] == "running" for e in feed.events(job_id)))
    return job_id, feed


async def test_control_over_the_socket_follows_the_rest_rules(api: Api) -> None:
    job_id, feed = await following_a_running_job(api)
    try:
        paused = await feed.call("control", {"job_id": job_id, "action": "pause"})
        assert paused["ok"] and paused["job"]["job_id"] == job_id
        await feed.until(lambda: any(e["type"] == "job.paused" for e in feed.events(job_id)))
        again = await feed.call("control", {"job_id": job_id, "action": "pause"})
        assert again["ok"] is False and again["error"]["status"] == 409
        assert again["error"]["state"] == "paused"
        cancelled = await feed.call("control", {"job_id": job_id, "action": "cancel"})
        assert cancelled["ok"]
        events = await feed.until_finished(job_id)
        assert events[-1]["type"] == "job.cancelled"
    finally:
        await feed.close()


async def test_a_socket_control_carries_its_reason_into_the_jobs_events(api: Api) -> None:
    job_id, feed = await following_a_running_job(api)
    try:
        bad = {"job_id": job_id, "action": "cancel", "reason": "\x1b[2J"}
        refused = await feed.call("control", bad)
        assert refused["ok"] is False and refused["error"]["status"] == 422
        control = {"job_id": job_id, "action": "cancel", "reason": "wrong inputs"}
        assert (await feed.call("control", control))["ok"]
        events = await feed.until_finished(job_id)
    finally:
        await feed.close()
    assert events[-1]["type"] == "job.cancelled"
    assert events[-1]["data"]["by"] == api.user("alice")
    assert events[-1]["data"]["reason"] == "wrong inputs"


async def test_bad_tokens_are_refused_with_a_reason(api: Api) -> None:
    for token in ["", "junk", issue_token(api.settings, "alice", ttl=timedelta(seconds=-1))]:
        client = FeedClient(api.base_url, token)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect()
        [reason] = client.of("connect_error")
        assert reason["code"] == "unauthorized" and "token" in reason["message"], reason


async def test_malformed_messages_get_error_acks_and_break_nobody(api: Api) -> None:
    bystander = await FeedClient(api.base_url, api.token("alice")).connect()
    rude = await FeedClient(api.base_url, api.token("rude")).connect()
    try:
        for bad in ["garbage", 42, None, {"job_id": 5}, {"job_id": "x", "since": -3}, {}]:
            answer = await rude.call("subscribe", bad)
            assert answer["ok"] is False and answer["error"]["status"] in {404, 422}, bad
        huge = await rude.call("subscribe", {"job_id": "job-" + "x" * 50_000})
        assert huge["ok"] is False and "limited" in huge["error"]["detail"]
        unknown = await rude.call("launch", {"job_id": "x"})
        assert unknown["ok"] is False
        await rude.sio.emit("launch", {"x": 1}, namespace="/jobs")
        await rude.until(lambda: bool(rude.of("client_error")), what="no client_error")
        bad_action = await rude.call("control", {"job_id": "job-1", "action": "explode"})
        assert bad_action["error"]["errors"][0]["field"] == "action"

        job_id = await submit(api, "alice", items=5)
        assert (await bystander.call("subscribe", {"job_id": job_id, "since": 0}))["ok"]
        await bystander.until_finished(job_id)
        assert rude.sio.connected, "the rude client itself is still connected"
    finally:
        await bystander.close()
        await rude.close()


async def test_an_expired_token_is_told_and_disconnected(api: Api) -> None:
    token = issue_token(api.settings, api.user("alice"), ttl=timedelta(seconds=2))
    feed = await FeedClient(api.base_url, token).connect()
    await feed.until(lambda: bool(feed.of("session_expired")), timeout=20, what="never expired")
    await feed.until(lambda: not feed.sio.connected, timeout=10, what="still connected")
    assert "expired" in feed.of("session_expired")[0]["reason"]
    await asyncio.sleep(0)


async def test_an_expired_stream_is_replayed_as_a_snapshot_from_temporal(api: Api) -> None:
    job_id = await submit(api, "alice", items=3)
    async with api.client("alice") as http:
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
    await api.redis.delete(keys.job_events(job_id))  # what the stream's TTL does, sooner
    feed = await FeedClient(api.base_url, api.token("alice")).connect()
    try:
        ack = await feed.call("subscribe", {"job_id": job_id, "since": 0})
        await feed.until(lambda: bool(feed.events(job_id)), what="no snapshot")
    finally:
        await feed.close()
    [snapshot] = feed.events(job_id)
    assert snapshot["type"] == "job.snapshot" and snapshot["seq"] == ack["last_seq"] > 0
    assert snapshot["data"]["record"]["state"] == "completed"
    assert snapshot["data"]["record"]["result"] == {"total": 3, "after": ["count"]}
