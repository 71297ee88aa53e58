"""(d) jobwire itself: the counting job type through a real ``jobwire api`` and ``jobwire
worker``, submitted over REST and followed over Socket.IO as the web console does."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
import socketio
from redis.asyncio import Redis
from temporalio.client import Client, WorkflowExecutionStatus

from bench.peers.measure import Peer
from bench.peers.shape import HEARTBEAT_TIMEOUT, RETRY_INITIAL_SECONDS, JobShape, Watched
from bench.peers.workers import STARTUP_SECONDS, kill_job_worker, polling
from bench.stack import Stack, bench_stack
from bench.support.counting import processed_items
from bench.support.throwaway import api_ready
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port
from jobwire.connections.temporal_client import connect_temporal
from jobwire.contract.states import JobState
from jobwire.contract.workflow_api import SA_STATE

NAMESPACE = "/jobs"
TERMINAL = {"job.completed", "job.failed", "job.cancelled"}
IDLE_QUEUE = "bench-nobody"

SETTINGS = {
    "heartbeat_timeout_seconds": HEARTBEAT_TIMEOUT,
    "retry_initial_interval_seconds": RETRY_INITIAL_SECONDS,
    # A progress event and a heartbeat for every item, as the peers send.
    "progress_event_seconds": 0.0,
    "heartbeat_throttle_seconds": 0.1,
}


class _Follower:
    """One connected Socket.IO client that records one job's progress into a ``Watched``.

    It is connected before its job exists, in the room of a user who has only that job, so
    events may arrive before it knows the job's id: it keeps them until it does."""

    def __init__(self, sio: socketio.AsyncClient) -> None:
        self.sio = sio
        self.job_id = ""
        self.watched: Watched | None = None
        self.early: list[tuple[dict[str, Any], float]] = []
        self.done = False
        sio.on("job_event", self.on_event, namespace=NAMESPACE)

    def follow(self, job_id: str, watched: Watched) -> None:
        self.job_id, self.watched = job_id, watched
        for event, received in self.early:
            self._record(event, received)
        self.early.clear()

    def on_event(self, event: dict[str, Any]) -> None:
        if self.watched is None:
            self.early.append((event, time.time()))
        else:
            self._record(event, time.time())

    def _record(self, event: dict[str, Any], received: float) -> None:
        if self.watched is None or event["job_id"] != self.job_id:
            return
        done = (event.get("data") or {}).get("done")
        if event["type"] == "job.progress" and done is not None:
            sent = datetime.fromisoformat(event["ts"]).timestamp()
            self.watched.saw(int(done), sent, received)
        elif event["type"] in TERMINAL:
            self.watched.finished = event["type"] == "job.completed"
            self.done = True


class JobwirePeer(Peer):
    name = "jobwire"

    def __init__(self, stack: Stack, temporal: Client, redis: Redis, exits: AsyncExitStack):
        self.stack = stack
        self.temporal = temporal
        self.redis = redis
        self.exits = exits
        self.http = httpx.AsyncClient(base_url=stack.api_url, timeout=60)
        self.owners: dict[str, str] = {}
        self.ready: deque[tuple[str, list[_Follower]]] = deque()
        self.followers: dict[str, list[_Follower]] = {}
        self.idle_http: httpx.AsyncClient | None = None

    def _auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(self.stack.settings, user)}"}

    async def _connect(self, user: str) -> _Follower:
        sio = socketio.AsyncClient(reconnection=False)
        follower = _Follower(sio)
        await sio.connect(
            self.stack.api_url,
            auth={"token": issue_token(self.stack.settings, user)},
            namespaces=[NAMESPACE],
            transports=["websocket"],
            wait_timeout=60,
        )
        return follower

    async def prepare(self, jobs: int, watchers: int) -> None:
        """Each job gets a user of its own, whose clients connect before it is submitted."""
        for _ in range(jobs):
            user = f"peer-{uuid.uuid4().hex[:8]}"
            followers: list[_Follower] = []
            for start in range(0, watchers, 50):
                batch = range(start, min(watchers, start + 50))
                followers += await asyncio.gather(*(self._connect(user) for _ in batch))
            self.ready.append((user, followers))

    async def start_job(self, shape: JobShape) -> str:
        user, followers = self.ready.popleft() if self.ready else (f"peer-{uuid.uuid4()}", [])
        spec = {"type": "count", "items": shape.items, "item_seconds": shape.item_seconds}
        response = await self.http.post("/api/jobs", json=spec, headers=self._auth(user))
        response.raise_for_status()
        job_id = str(response.json()["job_id"])
        self.owners[job_id] = user
        self.followers[job_id] = followers
        return job_id

    async def watch(self, job_id: str, watched: Watched, deadline: float) -> None:
        waiting = self.followers.get(job_id) or []
        follower = waiting.pop() if waiting else await self._connect(self.owners[job_id])
        follower.follow(job_id, watched)
        try:
            ack = await follower.sio.call(
                "subscribe", {"job_id": job_id, "since": 0}, namespace=NAMESPACE, timeout=60
            )
            if not ack.get("ok"):
                raise RuntimeError(f"subscribe refused: {ack}")
            while not follower.done and time.monotonic() < deadline:
                await follower.sio.sleep(0.02)
        finally:
            await follower.sio.disconnect()

    async def submit_idle(self, shape: JobShape) -> None:
        if self.idle_http is None:
            self.idle_http = await self._idle_api()
        spec = {"type": "count", "items": shape.items, "item_seconds": shape.item_seconds}
        response = await self.idle_http.post("/api/jobs", json=spec, headers=self._auth("idle"))
        response.raise_for_status()

    async def _idle_api(self) -> httpx.AsyncClient:
        """A second ``jobwire api`` whose task queue no worker polls."""
        port = free_port()
        api = self.stack.process("api", "api-idle", task_queue=IDLE_QUEUE, api_port=port)
        await api.start()
        self.exits.push_async_callback(api.stop, grace=3)
        url = f"http://127.0.0.1:{port}"
        await api.wait_ready(lambda: api_ready(url), timeout=STARTUP_SECONDS)
        client = httpx.AsyncClient(base_url=url, timeout=60)
        self.exits.push_async_callback(client.aclose)
        return client

    async def finished(self, job_id: str) -> tuple[bool, str]:
        """From Temporal, the job's one store: ``GET /api/jobs/{id}`` queries the workflow,
        which waits while the workflow's tasks still go to a killed worker."""
        description = await self.temporal.get_workflow_handle(job_id).describe()
        state = description.typed_search_attributes.get(SA_STATE) or "unknown"
        closed = description.status == WorkflowExecutionStatus.COMPLETED
        return closed and state == JobState.COMPLETED.value, state

    async def kill_worker(self, job_id: str) -> None:
        await kill_job_worker(self.temporal, job_id)

    async def processed(self, job_id: str) -> list[int]:
        return await processed_items(self.redis, job_id)

    async def history_length(self, job_id: str) -> int:
        return (await self.temporal.get_workflow_handle(job_id).describe()).history_length

    async def add_worker(self) -> None:
        """A second ``jobwire worker``, polling before this returns, to take over after a kill."""
        worker = self.stack.process("worker", "spare-worker")
        await worker.start()
        self.exits.push_async_callback(worker.stop, grace=3)
        await worker.wait_ready(
            polling(self.temporal, self.stack.settings.task_queue, worker),
            timeout=STARTUP_SECONDS,
        )


@asynccontextmanager
async def jobwire_peer() -> AsyncIterator[JobwirePeer]:
    """A throwaway stack (Temporal dev server, Redis, ``jobwire api`` and ``worker``)."""
    async with bench_stack(**SETTINGS) as stack, AsyncExitStack() as exits:
        temporal = await connect_temporal(stack.settings)
        redis = Redis.from_url(str(stack.settings.redis_url))
        exits.push_async_callback(redis.aclose)
        peer = JobwirePeer(stack, temporal, redis, exits)
        exits.push_async_callback(peer.http.aclose)
        yield peer
