"""What one event says about its job's record: the one fold every view of a job applies.

The projection in Redis (``jobwire/projection/fields.py``), the Python client
(``jobwire/client/folding.py``) and the console (``web/src/eventStore.ts``, which mirrors this
function field for field) all fold events with these rules, so the record a read answers at seq
N and the record a client builds from events up to N agree. The recorded sequences in
``tests/fixtures/feed`` hold the client and the console to it, and the projection's property
test holds the projection to it.

What a writer adds on top stays with the writer: the projection never lowers ``progress`` and
lets only a workflow transition move an ended job (rules of its Lua script), since it alone
sees events of a phase attempt that outlived its job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.records import CheckpointSummary, JobError
from jobwire.contract.states import JobState

M = TypeVar("M", bound=BaseModel)

FINISHING = frozenset({EventType.COMPLETED, EventType.FAILED, EventType.CANCELLED})
"""Events that end a job: they set ``finished_at``."""
UNFINISHING = frozenset({EventType.STARTED, EventType.RESUMED})
"""Events that (re)start a job: they clear ``finished_at``."""
_CONTROLS = {
    EventType.PAUSED: "pause",
    EventType.RESUMED: "resume",
    EventType.CANCELLED: "cancel",
}


def record_changes(event: EventDraft) -> dict[str, Any]:
    """The record's fields (as JSON values) that ``event`` (numbered or not) sets.

    An activity's ``job.paused`` (Temporal's own pause) says ``running`` on the wire, since the
    workflow has not moved; the record shows the job paused, as a read from Temporal does.
    """
    type, data, ts = event.type, event.data, event.ts
    shown = JobState.PAUSED if type is EventType.PAUSED else event.state
    changes: dict[str, Any] = {
        "state": shown.value,
        "progress": event.progress,
        "updated_at": ts.isoformat(),
        "paused_by": data.get("paused_by", "jobwire") if shown is JobState.PAUSED else None,
    }
    if event.step:
        changes["step"] = event.step
    if type in FINISHING:
        changes["finished_at"] = ts.isoformat()
    elif type in UNFINISHING:
        changes["finished_at"] = None
    changes.update(_from_data(type, data))
    if (action := _CONTROLS.get(type)) is not None and isinstance(data.get("by"), str):
        reason = data.get("reason")
        changes["last_control"] = {
            "action": action,
            "by": data["by"],
            "reason": reason if isinstance(reason, str) else None,
            "at": ts.isoformat(),
        }
    return changes


def _from_data(type: EventType, data: Mapping[str, Any]) -> dict[str, Any]:
    """What an event's ``data`` says; a value that is not what its field holds is ignored."""
    found: dict[str, Any] = {}
    if isinstance(phase := data.get("phase"), str):
        found["phase"] = phase
    if isinstance(attempt := data.get("attempt"), int) and attempt >= 1:
        found["attempt"] = attempt
    carried = data if type is EventType.CHECKPOINT else data.get("checkpoint")
    if (checkpoint := _valid(CheckpointSummary, carried)) is not None:
        found["checkpoint"] = checkpoint
    if type is EventType.COMPLETED and isinstance(result := data.get("result"), dict):
        found["result"] = result
    if type is EventType.FAILED and (error := _valid(JobError, data.get("error"))) is not None:
        found["error"] = error
    if type is EventType.CREATED and isinstance(spec := data.get("spec"), dict):
        found["spec"] = spec
    return found


def _valid(model: type[M], raw: object) -> dict[str, Any] | None:
    """``raw`` as ``model`` would dump it, or None when it is absent or not one."""
    if not isinstance(raw, dict):
        return None
    try:
        return model.model_validate(raw).model_dump(mode="json")
    except ValidationError:
        return None
