"""An event folded into the job's record, as docs/protocol.md's client algorithm (rule 4) says.

The record at seq N plus the events after N is the job's whole state; this is the "plus". The
console's ``eventStore.ts`` folds the same fields, and the recorded sequences in
``tests/fixtures/feed`` hold both to it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import CheckpointSummary, JobError, JobRecord

M = TypeVar("M", bound=BaseModel)

_FINISHING = {EventType.COMPLETED, EventType.FAILED, EventType.CANCELLED}
_UNFINISHING = {EventType.STARTED, EventType.RESUMED}


def fold(record: JobRecord, event: JobEvent) -> JobRecord:
    """The record as of ``event``: what the event says about the job replaces what it said."""
    update: dict[str, Any] = {
        "state": event.state,
        "progress": event.progress,
        "updated_at": event.ts,
    }
    if event.step:
        update["step"] = event.step
    if event.type in _FINISHING:
        update["finished_at"] = event.ts
    elif event.type in _UNFINISHING:
        update["finished_at"] = None
    carried = event.data if event.type is EventType.CHECKPOINT else event.data.get("checkpoint")
    if (checkpoint := _parsed(CheckpointSummary, carried)) is not None:
        update["checkpoint"] = checkpoint
    if isinstance(phase := event.data.get("phase"), str):
        update["phase"] = phase
    if isinstance(attempt := event.data.get("attempt"), int) and attempt >= 1:
        update["attempt"] = attempt
    if event.type is EventType.COMPLETED and isinstance(result := event.data.get("result"), dict):
        update["result"] = result
    if event.type is EventType.FAILED and (error := _parsed(JobError, event.data.get("error"))):
        update["error"] = error
    return record.model_copy(update=update)


def _parsed(model: type[M], raw: object) -> M | None:
    """``raw`` as ``model``, or None when it is absent or not one (an event carries it or not)."""
    if not isinstance(raw, dict):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None
