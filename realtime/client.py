"""One connection's delivery state, and the rule that says whether a live event goes to it.

Per job it subscribed to, a connection keeps one ``Subscription`` whose state is ``since``:
the last seq it was sent (``live`` and ``dirty`` say where its catch-up stands). A job whose
events it could not take is ``stalled`` (told ``resync``) until it subscribes again. Nothing
here sends or waits: the hub asks ``verdict`` once per event and connection.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from jobwire.contract.events import JobEvent
from realtime.engine import EngineSocket


@dataclass(slots=True, eq=False)
class Subscription:
    since: int | None
    """The last seq this connection was sent of the job; None: whatever comes live."""
    spec: bool = False
    """Its snapshots carry the job's spec."""
    live: bool = False
    """False while it catches up from the job's stream: live events of the job skip it."""
    dirty: bool = False
    """A live event of the job skipped it during a read: the stream is read once more."""


class Verdict(Enum):
    SEND = "send"
    SKIP = "skip"
    STALL = "stall"
    """Too much waits for this client already: it is told to resync instead."""


@dataclass(slots=True, eq=False)
class Client:
    sid: str
    user_id: str
    engine: EngineSocket | None = None
    subs: dict[str, Subscription] = field(default_factory=dict)
    stalled: set[str] = field(default_factory=set)
    dropped: int = 0
    """Events not sent since the client last had nothing waiting."""
    gone: bool = False
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held while one of its messages reads a job record: one at a time per client."""
    expiry: asyncio.TimerHandle | None = None

    def pending(self) -> int:
        return 0 if self.engine is None else self.engine.pending()

    def lag(self) -> int:
        return self.pending() + self.dropped

    def verdict(self, event: JobEvent, buffer: int) -> Verdict:
        job_id = event.job_id
        if job_id in self.stalled:
            self.dropped += 1
            return Verdict.SKIP
        sub = self.subs.get(job_id)
        if sub is not None and not sub.live:
            sub.dirty = True
            return Verdict.SKIP
        if sub is not None and sub.since is not None and event.seq <= sub.since:
            return Verdict.SKIP  # its catch-up sent it already
        pending = self.pending()
        if pending == 0:
            self.dropped = 0
        return Verdict.STALL if pending >= buffer else Verdict.SEND

    def stall(self, job_id: str, since: int) -> dict[str, Any]:
        """Stops the job for this client; the ``resync`` that says where to pick up."""
        self.stalled.add(job_id)
        self.subs.pop(job_id, None)
        self.dropped += 1
        return {"job_id": job_id, "since": since, "reason": "you fell too far behind"}
