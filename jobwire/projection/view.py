"""A job's projection as read back, and when it may answer a read without Temporal.

A projection is **fresh** when it has a ``base`` (a workflow transition or a rebuild from
Temporal wrote the whole record) and either

- its state is one only a workflow transition leaves (paused, completed, failed,
  cancelled) and that transition (or a rebuild) is the last thing written: every transition
  is published with the record, so nothing newer can hide in Temporal. An event after it
  means something the projection cannot settle (a resume whose transition was lost while
  Redis was down, a phase attempt that outlived its job): an ended job then asks Temporal,
  a paused one (Temporal's own pause, said by its activity) waits out the interval; or
- something wrote it within ``projection_fresh_seconds``: an event, or a reader that asked
  Temporal (for a created job only the latter: whether it waits for a worker is Temporal's
  to say). A running or created job that has said nothing for longer may have lost its
  worker, be waiting for one, or have been paused or terminated through Temporal's own
  tools, which publish nothing; only Temporal's description tells, so the next read asks it
  (once per interval, however many readers poll) and writes back what it saw.

An event's time is its worker's clock: a worker whose clock runs behind the API's by more than
the interval only sends reads to Temporal more often, never serves a stale record longer.
(A worker clock running ahead would stretch it: keep hosts on NTP.)

``waiting_for_worker_since`` and ``last_heartbeat_at`` come only from Temporal: a projection
read shows what the last rebuild saw, until the next event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState, allowed_actions
from jobwire.projection import fields as f

ENDED = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED})


@dataclass(frozen=True)
class Projection:
    """One job's hash, decoded."""

    values: dict[str, Any]
    deleted: bool = False

    @classmethod
    def decode(cls, raw: dict[Any, Any], *, deleted: bool = False) -> Projection:
        values = {_text(name): json.loads(_text(value)) for name, value in raw.items()}
        return cls(values, deleted)

    @property
    def seq(self) -> int:
        """The last event folded in; 0 when none was."""
        return int(self.values.get(f.SEQ, 0))

    @property
    def owner(self) -> str | None:
        base = self.values.get(f.BASE)
        return base.get("user_id") if isinstance(base, dict) else None

    @property
    def state(self) -> str | None:
        state = self.values.get("state")
        return state if isinstance(state, str) else None

    def is_fresh(self, now: float, fresh_seconds: float) -> bool:
        if f.BASE not in self.values or self.state is None:
            return False
        try:
            state = JobState(self.state)
        except ValueError:
            return False
        settled = bool(self.values.get(f.BASE_SEQ, -1) == self.seq)
        if state in ENDED:
            return settled
        if state is JobState.PAUSED and settled:
            return True
        if state is JobState.CREATED:
            return now - float(self.values.get(f.CHECKED_AT, 0.0)) < fresh_seconds
        return now - self.written_at() < fresh_seconds

    def written_at(self) -> float:
        """When an event or a rebuild last wrote the record (epoch seconds)."""
        updated = self.values.get("updated_at")
        at = datetime.fromisoformat(updated).timestamp() if isinstance(updated, str) else 0.0
        return max(at, float(self.values.get(f.CHECKED_AT, 0.0)))

    def has_spec(self) -> bool:
        return isinstance(self.values.get(f.SPEC), dict)

    def record(self, *, include_spec: bool) -> JobRecord:
        """The job record this projection holds; ``allowed_actions`` follow its state."""
        values = self.values
        data: dict[str, Any] = {**values[f.BASE]}
        data.update({name: values[name] for name in f.LIVE if name in values})
        observed = values.get(f.OBSERVED)
        if isinstance(observed, dict):
            data.update(observed)
        data[f.SPEC] = values.get(f.SPEC, {}) if include_spec else {}
        data[f.SEQ] = self.seq or None
        record = JobRecord.model_validate(data)
        record.allowed_actions = allowed_actions(
            record.state, has_checkpoint=record.checkpoint is not None
        )
        return record


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
