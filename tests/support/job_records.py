"""Job records and events as a workflow and a phase make them, for tests of the projection:
a counting job (phases 9/1) of one user, in any state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState

PHASES = ["count", "summarize"]
WEIGHTS = [9.0, 1.0]

_STATE_OF = {
    EventType.CREATED: JobState.CREATED,
    EventType.COMPLETED: JobState.COMPLETED,
    EventType.FAILED: JobState.FAILED,
    EventType.CANCELLED: JobState.CANCELLED,
}


def job_record(
    job_id: str, user: str, state: JobState = JobState.RUNNING, **update: Any
) -> JobRecord:
    """The workflow's record of the job (what a transition carries as the projection's base)."""
    now = datetime.now(UTC)
    record = JobRecord(
        job_id=job_id,
        user_id=user,
        type="count",
        state=state,
        phases=PHASES,
        phase_weights=WEIGHTS,
        spec={},
        created_at=now,
        updated_at=now,
    )
    return record.model_copy(update=update)


def job_event(
    job_id: str,
    user: str,
    kind: EventType,
    progress: float = 0.0,
    *,
    ts: datetime | None = None,
    **data: Any,
) -> EventDraft:
    """An event in the state its kind implies (running unless it ends or creates the job)."""
    return EventDraft(
        job_id=job_id,
        user_id=user,
        type=kind,
        ts=ts or datetime.now(UTC),
        state=_STATE_OF.get(kind, JobState.RUNNING),
        progress=progress,
        step=f"{kind.value} at {progress}",
        data=data,
    )
