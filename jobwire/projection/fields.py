"""What one event, or one record rebuilt from Temporal, sets in the job's projection.

Every value is JSON, so a hash field reads back as the model field it came from. The folding
rules live here, in Python, and the Lua script only applies the fields in one atomic step
(keeping ``progress`` from going down), so a test can fold the same events and compare.
"""

from __future__ import annotations

import json
from typing import Any

from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState

SEQ = "seq"
PROGRESS = "progress"
BASE = "base"
SPEC = "spec"
OBSERVED = "observed"
"""What only Temporal knows, as a reader last saw it; every folded event drops it."""
BASE_SEQ = "base_seq"
"""The ``seq`` at which ``base`` was last written (by a transition, or a rebuild)."""
CHECKED_AT = "checked_at"
"""When a reader last rebuilt the record from Temporal (epoch seconds)."""

LIVE = (
    "state",
    PROGRESS,
    "step",
    "phase",
    "attempt",
    "updated_at",
    "checkpoint",
    "error",
    "result",
    "last_control",
    "paused_by",
)
"""The record's fields that events move; the rest of the record is in ``base``."""

FROM_TEMPORAL = ("waiting_for_worker_since", "last_heartbeat_at")
"""Fields no event carries: only Temporal's description of the job says them."""

_CONTROLS = {
    EventType.PAUSED: "pause",
    EventType.RESUMED: "resume",
    EventType.CANCELLED: "cancel",
}


def encode(fields: dict[str, Any]) -> dict[str, str]:
    return {name: json.dumps(value, separators=(",", ":")) for name, value in fields.items()}


def event_fields(draft: EventDraft, base: JobRecord | None = None) -> dict[str, str]:
    """The fields ``draft`` sets; a workflow transition's ``base`` (its record) sets the rest.

    An activity's ``job.paused`` (Temporal's own pause) says ``running`` on the wire, since
    the workflow has not moved; the record shows the job paused, as a read from Temporal does.
    """
    fields: dict[str, Any] = {
        "state": JobState.PAUSED.value if draft.type is EventType.PAUSED else draft.state.value,
        PROGRESS: draft.progress,
        "step": draft.step,
        "updated_at": draft.ts.isoformat(),
    }
    if fields["state"] != JobState.PAUSED.value:
        fields["paused_by"] = None
    fields.update(_from_data(draft))
    if base is not None:
        record = base.model_dump(mode="json", exclude={SPEC, SEQ})
        fields.update({name: record[name] for name in LIVE if name not in (PROGRESS, "step")})
        fields[BASE] = record
    return encode(fields)


def _from_data(draft: EventDraft) -> dict[str, Any]:
    """What an event's ``data`` says about the record."""
    data = draft.data
    found: dict[str, Any] = {}
    if isinstance(data.get("phase"), str):
        found["phase"] = data["phase"]
    if draft.type is EventType.CREATED and isinstance(data.get(SPEC), dict):
        found[SPEC] = data[SPEC]
    elif draft.type is EventType.CHECKPOINT:
        found["checkpoint"] = data
    elif draft.type is EventType.RECOVERED:
        found["attempt"] = data.get("attempt", 1)
    elif draft.type is EventType.FAILED and "error" in data:
        found["error"] = data["error"]
    elif draft.type is EventType.COMPLETED and "result" in data:
        found["result"] = data["result"]
    if draft.type is EventType.PAUSED:
        found["paused_by"] = data.get("paused_by", "jobwire")
    action = _CONTROLS.get(draft.type)
    if action is not None and "by" in data:
        found["last_control"] = {
            "action": action,
            "by": data["by"],
            "reason": data.get("reason"),
            "at": draft.ts.isoformat(),
        }
    return found


def record_fields(record: JobRecord, *, include_spec: bool) -> dict[str, str]:
    """A record rebuilt from Temporal, as the fields it writes back."""
    dumped = record.model_dump(mode="json", exclude={SEQ})
    fields: dict[str, Any] = {name: dumped[name] for name in LIVE}
    fields[BASE] = {k: v for k, v in dumped.items() if k != SPEC and k not in FROM_TEMPORAL}
    fields[OBSERVED] = {name: dumped[name] for name in FROM_TEMPORAL}
    if include_spec:
        fields[SPEC] = dumped[SPEC]
    return encode(fields)
