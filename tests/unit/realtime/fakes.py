"""What the realtime unit tests stand in for: a job's event, and a client's Engine.IO backlog."""

from __future__ import annotations

from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.states import JobState


def event(seq: int, job_id: str = "job-1") -> JobEvent:
    return JobEvent(
        job_id=job_id,
        user_id="alice",
        type=EventType.PROGRESS,
        state=JobState.RUNNING,
        progress=1.0,
        seq=seq,
    )


class Backlog:
    """An Engine.IO socket as ``EngineSocket`` reads it: ``waiting`` packets not yet read."""

    def __init__(self, waiting: int = 0) -> None:
        self.waiting = waiting

    def pending(self) -> int:
        return self.waiting
