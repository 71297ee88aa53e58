"""One Socket.IO connection's delivery state on this API instance.

Every event a client gets passes through its own bounded queue and one sender task, in
``seq`` order per job: replayed and live events meet here, duplicates are dropped by
``seq``, and a client too slow to drain its queue is told to resync instead of slowing
anyone else; one that falls ``max_lag`` events behind (queued here, unsent in Engine.IO, or
dropped since its resync) is handed to ``too_far_behind`` to be disconnected. Nothing here
outlives the connection; a reconnect says ``since`` and starts again on any instance.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import JobRecord
from realtime import packets
from realtime.packets import Outgoing
from realtime.snapshot import snapshot_event

Send = Callable[[Outgoing], Awaitable[None]]


@dataclass
class Connection:
    sid: str
    user_id: str
    expires_at: datetime | None
    send: Send
    buffer_size: int
    delivered: dict[str, int] = field(default_factory=dict)
    """The last ``seq`` queued per job: the next one must be exactly one more."""
    first_seen: dict[str, int] = field(default_factory=dict)
    """Where this connection's run of a job starts: the seq after a (re)subscribe's
    ``since``, or else the first one the user room brought. A later subscribe replays only
    what lies before it, so nothing goes out twice."""
    subscribed: set[str] = field(default_factory=set)
    stalled: set[str] = field(default_factory=set)
    """Jobs whose events overflowed the buffer; nothing more is queued until a resubscribe."""
    held: set[str] = field(default_factory=set)
    """Jobs named at connect whose owner is still being checked: nothing of theirs is queued
    until their subscribe runs, which replays from their ``since``."""
    with_spec: set[str] = field(default_factory=set)
    """Jobs whose subscriber asked for the spec in acks and snapshots."""
    max_lag: int = 0
    """Events this client may fall behind by before ``too_far_behind``; 0: no limit."""
    unsent: Callable[[], int] = lambda: 0
    """Packets already handed on (to Engine.IO) that the client has not read yet."""
    too_far_behind: Callable[[], None] = lambda: None
    dropped: int = 0
    """Events not queued since the queue was last empty: the client was behind."""
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held while one of its messages reads a job record: one at a time per client."""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    queue: asyncio.Queue[Outgoing] = field(init=False)
    sender: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.buffer_size)

    def start(self, ready: Callable[[], Awaitable[None]] | None = None) -> None:
        """Starts sending once ``ready`` returns: what is queued before waits, in order."""
        self.sender = asyncio.create_task(
            self._send_forever(ready), name=f"socket-sender-{self.sid}"
        )

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Runs ``work`` for this connection; closing the connection cancels it."""
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.sender is not None:
            self.sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sender

    def expects(self, event: JobEvent) -> bool | None:
        """True: the next event of its job; None: already delivered, or not wanted yet; False:
        there is a gap. An event of a stalled job counts as one more the client is behind."""
        if event.job_id in self.held:
            return None
        if event.job_id in self.stalled:
            self._fell_behind(1)
            return None
        last = self.delivered.get(event.job_id)
        if last is None or event.type is EventType.SNAPSHOT:
            return True
        if event.seq <= last:
            return None
        return event.seq == last + 1

    def deliver(self, event: JobEvent, encoded: Outgoing | None = None) -> None:
        """Queues one event (the caller has checked ``expects``); overflow means resync.

        ``encoded`` is the event already encoded, when it goes to several connections.
        """
        if event.job_id in self.stalled:
            return
        try:
            self.queue.put_nowait(encoded or packets.job_event(event))
        except asyncio.QueueFull:
            self._stall(event.job_id, event.seq)
            return
        if event.job_id not in self.delivered:
            self.first_seen[event.job_id] = event.seq
        self.delivered[event.job_id] = max(self.delivered.get(event.job_id, 0), event.seq)

    def notify(self, event: str, data: Any) -> None:
        """A control message (feed status, resync); dropped rather than blocking if full."""
        try:
            self.queue.put_nowait(packets.message(event, data))
        except asyncio.QueueFull:
            self._fell_behind(1)

    def snapshot(self, record: JobRecord, seq: int) -> JobEvent:
        """The job's snapshot event as this connection gets it: with the spec if asked."""
        return snapshot_event(record, seq, spec=record.job_id in self.with_spec)

    def take_notices(self) -> list[Outgoing]:
        """Empties the queue, keeping only its control messages (``resync`` among them): what
        a client that is being let go should still be told."""
        return [item for item in _drain(self.queue) if item.seq is None]

    def lag(self) -> int:
        return self.queue.qsize() + self.unsent() + self.dropped

    def check_lag(self) -> None:
        """Hands the connection to ``too_far_behind`` (once) when it is past ``max_lag``."""
        if self.max_lag and self.lag() > self.max_lag:
            self.max_lag = 0
            self.too_far_behind()

    def _fell_behind(self, events: int) -> None:
        self.dropped += events
        self.check_lag()

    def _stall(self, job_id: str, overflow_seq: int) -> None:
        """Drops this job's queued events and tells the client where to pick up: after the
        last event it will actually have received."""
        self.stalled.add(job_id)
        queued = _drain(self.queue)
        dropped = [item.seq for item in queued if item.job_id == job_id and item.seq is not None]
        since = min(dropped, default=overflow_seq) - 1
        self.delivered[job_id] = since
        kept = [item for item in queued if item.job_id != job_id]
        for item in kept[: self.buffer_size - 1]:
            self.queue.put_nowait(item)
        self.dropped += len(queued) - min(len(kept), self.buffer_size - 1)
        self.queue.put_nowait(
            packets.message(
                "resync", {"job_id": job_id, "since": since, "reason": "you fell too far behind"}
            )
        )
        self._fell_behind(1)

    def hold(self, job_id: str, since: int | None) -> None:
        """A job named at connect: it starts after ``since`` once ``release``d, and the user
        room's events of it wait for that (the replay brings them, in order)."""
        self.subscribed.add(job_id)
        self.held.add(job_id)
        self.resume(job_id, since)

    def release(self, job_id: str) -> None:
        self.held.discard(job_id)

    def forget(self, job_id: str) -> None:
        """A job named at connect that was refused (not the user's, or unknown)."""
        if job_id in self.held:
            self.held.discard(job_id)
            self.subscribed.discard(job_id)
            self.delivered.pop(job_id, None)
            self.first_seen.pop(job_id, None)

    def resume(self, job_id: str, since: int | None) -> None:
        """A (re)subscribe: delivery of this job restarts after ``since``."""
        self.stalled.discard(job_id)
        if since is None:
            self.delivered.pop(job_id, None)
            self.first_seen.pop(job_id, None)
        else:
            self.delivered[job_id] = since
            self.first_seen[job_id] = since + 1

    async def _send_forever(self, ready: Callable[[], Awaitable[None]] | None) -> None:
        if ready is not None:
            await ready()
        while True:
            await self.send(await self.queue.get())
            if self.queue.empty():
                self.dropped = 0  # caught up


def _drain(queue: asyncio.Queue[Outgoing]) -> list[Outgoing]:
    items: list[Outgoing] = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items
