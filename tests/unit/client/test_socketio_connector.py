"""The real Socket.IO connector against a stub python-socketio server on loopback.

The stub speaks docs/protocol.md (auth, subscribe ack, replay of seq > since, user room) so
the client's transport code (acks, refusals, dropped links) runs over real sockets, and the
watcher is shown to survive a server that stops and comes back on the same port.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import socketio
import uvicorn

from jobwire.cli.devstack.ports import free_port
from jobwire.client.backoff import Backoff
from jobwire.client.errors import FeedUnavailable, NotFound, Unauthorized
from jobwire.client.feed import EventMessage, SocketIOConnector
from jobwire.client.watch import JobWatch
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.states import JobState
from tests.helpers import assert_eventually, refused_port
from tests.unit.client.fakes import make_event, make_record

NS = "/jobs"
GOOD = "good-token"


class StubFeed:
    def __init__(self) -> None:
        self.events: dict[str, list[JobEvent]] = {}
        self.named_at_connect: list[list[dict]] = []
        self.silent = False
        """Never answers the jobs named at connect, as a server that lost them would."""
        self.sio = socketio.AsyncServer(async_mode="asgi")
        self.app = socketio.ASGIApp(self.sio)
        self.sio.on("connect", self.connect, namespace=NS)
        self.sio.on("subscribe", self.subscribe_message, namespace=NS)
        self.messages = 0

    async def connect(self, sid, environ, auth):
        if not isinstance(auth, dict) or auth.get("token") != GOOD:
            raise socketio.exceptions.ConnectionRefusedError(
                "invalid token", {"code": "unauthorized"}
            )
        await self.sio.enter_room(sid, "user:alice", namespace=NS)
        named = auth.get("subscriptions", [])
        self.named_at_connect.append(named)
        if named and not self.silent:
            self.sio.start_background_task(self.answer_named, sid, named)

    async def answer_named(self, sid, named) -> None:
        """Answers the jobs named at connect once the client knows it is connected."""
        while not self.sio.manager.is_connected(sid, NS):  # noqa: ASYNC110 (no hook for it)
            await asyncio.sleep(0.001)
        for subscription in named:
            ack = await self.subscribe(sid, subscription)
            await self.sio.emit(
                "subscribed", {"job_id": subscription["job_id"]} | ack, to=sid, namespace=NS
            )

    async def subscribe_message(self, sid, data):
        self.messages += 1
        return await self.subscribe(sid, data)

    async def subscribe(self, sid, data):
        job_id = data["job_id"]
        if job_id not in self.events:
            return {"ok": False, "error": {"status": 404, "title": "Job not found"}}
        await self.sio.enter_room(sid, f"job:{job_id}", namespace=NS)
        since = data.get("since")
        missed = [e for e in self.events[job_id] if since is not None and e.seq > since]

        async def replay() -> None:
            for event in missed:
                await self.sio.emit(
                    "job_event", event.model_dump(mode="json"), to=sid, namespace=NS
                )

        self.sio.start_background_task(replay)
        state = self.events[job_id][-1].state if self.events[job_id] else JobState.RUNNING
        record = make_record(job_id, state).model_dump(mode="json")
        return {"ok": True, "job": record, "last_seq": len(self.events[job_id])}

    def append(self, job_id: str, kind=EventType.PROGRESS, state=JobState.RUNNING) -> JobEvent:
        events = self.events.setdefault(job_id, [])
        event = make_event(job_id, len(events) + 1, kind, state)
        events.append(event)
        return event

    async def publish(self, job_id: str, kind=EventType.PROGRESS, state=JobState.RUNNING) -> None:
        event = self.append(job_id, kind, state)
        await self.sio.emit(
            "job_event", event.model_dump(mode="json"), room="user:alice", namespace=NS
        )


class Server:
    def __init__(self, app, port: int) -> None:
        self.app, self.port = app, port
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        server = self.server
        await until(lambda: server.started)

    async def stop(self) -> None:
        assert self.server and self.task
        self.server.should_exit = True
        await self.task


@pytest_asyncio.fixture
async def stub() -> AsyncIterator[tuple[StubFeed, Server]]:
    feed = StubFeed()
    server = Server(feed.app, free_port())
    await server.start()
    yield feed, server
    if server.server and not server.task.done():
        await server.stop()


async def until(cond) -> None:
    async def probe() -> bool:
        return cond()

    await assert_eventually(probe, timeout=10, interval=0.01)


def connector(server: Server, token: str = GOOD) -> SocketIOConnector:
    return SocketIOConnector(f"http://127.0.0.1:{server.port}", token, timeout=5)


async def test_subscribe_acks_with_the_record_then_replays(stub):
    feed, server = stub
    feed.append("job-1")
    feed.append("job-1")
    conn = await connector(server)()
    try:
        ack = await conn.subscribe("job-1", 0)
        assert ack.job.job_id == "job-1" and ack.last_seq == 2
        got = [await asyncio.wait_for(conn.receive(), 5) for _ in range(2)]
        assert [m.event.seq for m in got if isinstance(m, EventMessage)] == [1, 2]
    finally:
        await conn.close()


async def test_jobs_named_at_connect_are_answered_without_a_subscribe_message(stub):
    feed, server = stub
    feed.append("job-1")
    conn = await connector(server)({"job-1": 0, "job-missing": None})
    try:
        ack = await conn.subscribe("job-1", 0)
        assert ack.job.job_id == "job-1" and ack.last_seq == 1
        with pytest.raises(NotFound):
            await conn.subscribe("job-missing", None)
        [got] = [await asyncio.wait_for(conn.receive(), 5)]
        assert isinstance(got, EventMessage) and got.event.seq == 1
        assert feed.named_at_connect == [
            [{"job_id": "job-1", "since": 0}, {"job_id": "job-missing"}]
        ]
        assert feed.messages == 0
        await conn.subscribe("job-1", 0)  # a second time is a message
        assert feed.messages == 1
    finally:
        await conn.close()


async def test_a_named_job_left_unanswered_is_a_feed_to_reconnect_to(stub):
    feed, server = stub
    feed.append("job-1")
    feed.silent = True
    conn = await SocketIOConnector(f"http://127.0.0.1:{server.port}", GOOD, timeout=0.5)(
        {"job-1": 0}
    )
    try:
        with pytest.raises(FeedUnavailable, match="no answer in time"):
            await conn.subscribe("job-1", 0)
    finally:
        await conn.close()


async def test_an_error_ack_raises_the_matching_error(stub):
    _, server = stub
    conn = await connector(server)()
    try:
        with pytest.raises(NotFound):
            await conn.subscribe("job-missing", 0)
    finally:
        await conn.close()


async def test_a_refused_token_raises_unauthorized(stub):
    _, server = stub
    with pytest.raises(Unauthorized, match="invalid token"):
        await connector(server, token="bad")()


async def test_no_server_raises_feed_unavailable():
    with refused_port() as port, pytest.raises(FeedUnavailable):
        await SocketIOConnector(f"http://127.0.0.1:{port}", GOOD, timeout=2)()


async def test_watch_survives_a_server_restart_without_loss_or_repeat(stub):
    feed, server = stub
    feed.append("job-1", EventType.STARTED)
    watch = JobWatch(connector(server), ["job-1"], backoff=Backoff(initial=0.05, maximum=0.5))
    got: list[JobEvent] = []

    async def consume() -> None:
        async with watch:
            async for event in watch:
                got.append(event)

    task = asyncio.create_task(consume())
    await until(lambda: len(got) >= 1)
    await feed.publish("job-1")
    await until(lambda: len(got) >= 2)
    await server.stop()
    feed.append("job-1")  # while the server is down
    feed.append("job-1")
    await server.start()
    await until(lambda: len(got) >= 4)
    await feed.publish("job-1", EventType.COMPLETED, JobState.COMPLETED)
    await asyncio.wait_for(task, 10)
    assert [e.seq for e in got] == [1, 2, 3, 4, 5]
    assert watch.reconnects >= 1
    assert feed.named_at_connect[-1] == [{"job_id": "job-1", "since": 2}]
    assert feed.messages == 0, "every subscribe was named at connect"
