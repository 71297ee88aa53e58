"""What one event, or one record rebuilt from Temporal, sets in the job's projection.

Every value is JSON, so a hash field reads back as the model field it came from. The fold is
``jobwire.contract.folding``'s, in Python, and the Lua script only applies the fields in one
atomic step (keeping ``progress`` from going down), so a test can fold the same events and
compare.
"""

from __future__ import annotations

import json
from typing import Any

from jobwire.contract.events import EventDraft
from jobwire.contract.folding import record_changes
from jobwire.contract.records import JobRecord

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
    "finished_at",
    "checkpoint",
    "error",
    "result",
    "last_control",
    "paused_by",
)
"""The record's fields that events move; the rest of the record is in ``base``."""

FROM_TEMPORAL = ("waiting_for_worker_since", "last_heartbeat_at")
"""Fields no event carries: only Temporal's description of the job says them."""


def encode(fields: dict[str, Any]) -> dict[str, str]:
    return {name: json.dumps(value, separators=(",", ":")) for name, value in fields.items()}


def event_fields(draft: EventDraft, base: JobRecord | None = None) -> dict[str, str]:
    """The fields ``draft`` sets (the one fold, ``record_changes``); a workflow transition's
    ``base`` (its record) sets the rest."""
    fields = record_changes(draft)
    if base is not None:
        record = base.model_dump(mode="json", exclude={SPEC, SEQ})
        fields.update({name: record[name] for name in LIVE if name not in (PROGRESS, "step")})
        fields[BASE] = record
    return encode(fields)


def record_fields(record: JobRecord, *, include_spec: bool) -> dict[str, str]:
    """A record rebuilt from Temporal, as the fields it writes back."""
    dumped = record.model_dump(mode="json", exclude={SEQ})
    fields: dict[str, Any] = {name: dumped[name] for name in LIVE}
    fields[BASE] = {k: v for k, v in dumped.items() if k != SPEC and k not in FROM_TEMPORAL}
    fields[OBSERVED] = {name: dumped[name] for name in FROM_TEMPORAL}
    if include_spec:
        fields[SPEC] = dumped[SPEC]
    return encode(fields)
