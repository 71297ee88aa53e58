"""One connection: what it subscribed to, whether a live event goes to it, and sending to it
within what one client may cost. Past ``buffer`` packets waiting in its Engine.IO queue it is
told ``resync`` for the job instead; past ``max_lag`` (waiting plus dropped) it is cut off,
its resyncs queued ahead of the disconnect."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import socketio

from jobwire.contract.events import JobEvent
from realtime.engine import EngineSocket

log = logging.getLogger(__name__)
NAMESPACE = "/jobs"


OnRelay = Callable[[JobEvent, int], None]
"""Told of each event handed to the sockets of that many clients, for the metrics."""


@dataclass(slots=True, eq=False)
class Subscription:
    since: int | None
    """The last seq of the job this connection was sent; None: whatever comes live."""
    spec: bool = False
    live: bool = False
    """False while it catches up: the job's live events skip it and make it ``dirty``."""
    dirty: bool = False


class Verdict(Enum):
    SEND = "send"
    SKIP = "skip"
    STALL = "stall"


@dataclass(slots=True, eq=False)
class Client:
    sid: str
    user_id: str
    engine: EngineSocket | None = None
    subs: dict[str, Subscription] = field(default_factory=dict)
    stalled: set[str] = field(default_factory=set)
    """Jobs it was told to resync: nothing more of them until it subscribes again."""
    dropped: int = 0
    gone: bool = False
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)
    expiry: asyncio.TimerHandle | None = None

    def pending(self) -> int:
        return 0 if self.engine is None else self.engine.pending()

    def verdict(self, event: JobEvent, buffer: int) -> Verdict:
        sub = self.subs.get(event.job_id)
        if event.job_id in self.stalled:
            self.dropped += 1
        elif sub is not None and not sub.live:
            sub.dirty = True
        elif sub is None or sub.since is None or event.seq > sub.since:
            pending = self.pending()
            self.dropped = self.dropped if pending else 0
            return Verdict.STALL if pending >= buffer else Verdict.SEND
        return Verdict.SKIP

    def stall(self, job_id: str, since: int) -> dict[str, Any]:
        self.stalled.add(job_id)
        self.subs.pop(job_id, None)
        self.dropped += 1
        return {"job_id": job_id, "since": since, "reason": "you fell too far behind"}


@dataclass(eq=False)
class Outlet:
    """Sends through python-socketio's public API; runs a client's tasks."""

    sio: socketio.AsyncServer
    buffer: int
    max_lag: int
    on_relay: OnRelay
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = self.sio.start_background_task(_logged, work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def send(self, client: Client, name: str, data: Any) -> None:
        await self.sio.emit(name, data, to=client.sid, namespace=NAMESPACE)

    async def event(self, client: Client, event: JobEvent, since: int) -> bool:
        """False: it was too far behind, and told to resync from ``since`` instead."""
        if client.pending() >= self.buffer:
            await self.resync(client, event.job_id, since)
            return False
        await self.send(client, "job_event", event.model_dump(mode="json"))
        self.on_relay(event, 1)
        return True

    async def resync(self, client: Client, job_id: str, since: int) -> None:
        await self.send(client, "resync", client.stall(job_id, since))
        self.check(client)

    def check(self, client: Client) -> None:
        if not client.gone and client.pending() + client.dropped > self.max_lag:
            log.warning("disconnecting %s: it fell too far behind", client.sid)
            client.gone = True
            self.spawn(self._cut_off(client))

    async def _cut_off(self, client: Client) -> None:
        await self.sio.disconnect(client.sid, namespace=NAMESPACE)
        if client.engine is not None:
            await client.engine.close_now()


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except Exception:  # one client's failure must not reach the others
        log.exception("socket task failed")
