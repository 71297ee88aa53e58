"""An in-memory feed server that speaks the watcher's ``FeedConnector`` protocol.

It numbers events per job like Redis does, replays ``seq > since`` on subscribe, sends every
event to the job room and the user room, and can drop links, refuse connections, duplicate,
reorder or lose deliveries on demand.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from jobwire.client.errors import FeedUnavailable, NotFound, Unauthorized
from jobwire.client.feed import (
    DisconnectedMessage,
    EventMessage,
    FeedMessage,
    ResyncMessage,
    SessionExpiredMessage,
    Subscriptions,
)
from jobwire.client.models import EventPage, Problem, SubscribeAck
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState

USER = "alice"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def make_record(
    job_id: str, state: JobState = JobState.RUNNING, progress: float = 0.0
) -> JobRecord:
    return JobRecord(
        job_id=job_id,
        user_id=USER,
        type="research",
        state=state,
        progress=progress,
        spec={"type": "research"},
        created_at=NOW,
        updated_at=NOW,
    )


def make_event(
    job_id: str,
    seq: int,
    kind: EventType = EventType.PROGRESS,
    state: JobState = JobState.RUNNING,
    progress: float = 0.0,
) -> JobEvent:
    return JobEvent(
        job_id=job_id, user_id=USER, seq=seq, type=kind, state=state, progress=progress, ts=NOW
    )


class FakeConnection:
    def __init__(self, server: FakeFeedServer) -> None:
        self.server = server
        self.queue: asyncio.Queue[FeedMessage] = asyncio.Queue()
        self.rooms: set[str] = set()
        self.open = True
        self.subscriptions: list[tuple[str, int | None]] = []

    async def subscribe(self, job_id: str, since: int | None) -> SubscribeAck:
        if not self.open:
            raise FeedUnavailable("closed")
        self.subscriptions.append((job_id, since))
        self.server.subscriptions.append((job_id, since))
        if job_id not in self.server.records:
            raise NotFound(Problem(title="Job not found", status=404))
        self.rooms.add(job_id)
        events = self.server.events[job_id]
        if since is not None:
            for event in events:
                if event.seq > since:
                    self.queue.put_nowait(EventMessage(event))
        return SubscribeAck(job=self.server.records[job_id], last_seq=self.server.seq[job_id])

    async def receive(self) -> FeedMessage:
        return await self.queue.get()

    async def close(self) -> None:
        self.open = False
        self.server.closed += 1


class FakeFeedServer:
    def __init__(self) -> None:
        self.records: dict[str, JobRecord] = {}
        self.events: dict[str, list[JobEvent]] = {}
        self.connections: list[FakeConnection] = []
        self.subscriptions: list[tuple[str, int | None]] = []
        self.up = True
        self.refuse_unauthorized = False
        self.closed = 0
        self.connects = 0
        self.named_at_connect: list[dict[str, int | None]] = []
        self.seq: dict[str, int] = {}

    # -- FeedConnector --
    async def __call__(self, subscriptions: Subscriptions | None = None) -> FakeConnection:
        """Records the connect-time jobs; ``subscribe`` still does the work here."""
        self.connects += 1
        self.named_at_connect.append(dict(subscriptions or {}))
        if self.refuse_unauthorized:
            raise Unauthorized(Problem(title="Unauthorized", status=401, detail="token expired"))
        if not self.up:
            raise FeedUnavailable("connection refused")
        conn = FakeConnection(self)
        self.connections.append(conn)
        return conn

    async def fetch_events(self, job_id: str, since: int) -> EventPage:
        events = [e for e in self.events.get(job_id, []) if e.seq > since]
        return EventPage(events=events, last_seq=self.seq.get(job_id, 0))

    def trim(self, job_id: str, seq: int) -> None:
        """Forgets one stored event, as a trimmed Redis stream would."""
        self.events[job_id] = [e for e in self.events[job_id] if e.seq != seq]

    async def active_jobs(self) -> list[JobRecord]:
        return [r for r in self.records.values() if r.state.is_active]

    # -- server side --
    def create(self, job_id: str, state: JobState = JobState.RUNNING) -> None:
        self.records[job_id] = make_record(job_id, state)
        self.events[job_id] = []
        self.seq[job_id] = 0

    def append(
        self, job_id: str, kind: EventType = EventType.PROGRESS, state: JobState = JobState.RUNNING
    ) -> JobEvent:
        """Numbers and stores an event without delivering it (as if the link were down)."""
        seq = self.seq[job_id] = self.seq[job_id] + 1
        event = make_event(job_id, seq, kind, state, progress=min(100.0, float(seq)))
        self.events[job_id].append(event)
        self.records[job_id] = self.records[job_id].model_copy(update={"state": state})
        return event

    def publish(
        self,
        job_id: str,
        kind: EventType = EventType.PROGRESS,
        state: JobState = JobState.RUNNING,
        *,
        copies: int = 1,
    ) -> JobEvent:
        """Stores an event and sends it to every open link (the user room reaches them all)."""
        event = self.append(job_id, kind, state)
        self.deliver(event, copies=copies)
        return event

    def deliver(self, event: JobEvent, *, copies: int = 1) -> None:
        for conn in self.live():
            for _ in range(copies):
                conn.queue.put_nowait(EventMessage(event))

    def live(self) -> list[FakeConnection]:
        return [c for c in self.connections if c.open]

    def drop_all(self) -> None:
        for conn in self.live():
            conn.open = False
            conn.queue.put_nowait(DisconnectedMessage("transport close"))

    def expire_sessions(self) -> None:
        for conn in self.live():
            conn.queue.put_nowait(SessionExpiredMessage("token expired"))
            conn.open = False

    def resync(self, job_id: str, since: int) -> None:
        for conn in self.live():
            conn.queue.put_nowait(ResyncMessage(job_id, since, "fell behind"))
