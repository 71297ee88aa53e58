"""The seam between whoever emits job events and the live feed that carries them.

Activities and the workflow's transition hook publish through an ``EventPublisher``; the live
feed supplies the Redis implementation. Publishing is best effort by contract: a publisher
never raises, because a job must not fail when the feed is down.
"""

from __future__ import annotations

from typing import Protocol

from jobwire.contract.events import EventDraft, JobEvent
from jobwire.contract.records import JobRecord


class EventPublisher(Protocol):
    async def publish(self, draft: EventDraft, base: JobRecord | None = None) -> JobEvent | None:
        """Appends the event to its job's feed and folds it into the job's record, with
        ``base`` (a workflow transition's record) as the rest of it; ``None`` when the feed
        was unreachable."""
        ...


class NullPublisher:
    """Drops every event; for workers started without a live feed."""

    async def publish(self, draft: EventDraft, base: JobRecord | None = None) -> JobEvent | None:
        return None


class MemoryPublisher:
    """Keeps events in order per job with their own ``seq``; for unit tests and benchmarks."""

    def __init__(self) -> None:
        self.events: list[JobEvent] = []
        self._seq: dict[str, int] = {}

    async def publish(self, draft: EventDraft, base: JobRecord | None = None) -> JobEvent | None:
        seq = self._seq.get(draft.job_id, 0) + 1
        self._seq[draft.job_id] = seq
        event = draft.numbered(seq)
        self.events.append(event)
        return event
