"""What clients may send on the live feed's ``/jobs`` namespace (docs/protocol.md), validated
before anything acts on it: the wire contract, as ``events.py`` is for what they receive."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jobwire.contract.records import ControlReason
from jobwire.errors import InvalidSpec

MAX_MESSAGE_BYTES = 16_384
MAX_CONNECT_SUBSCRIPTIONS = 100
M = TypeVar("M", bound=BaseModel)


class SubscribeMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)
    since: int | None = Field(default=None, ge=0, le=2**53 - 1)
    include_spec: bool = False
    """The job's spec in the ack and its snapshots; by default ``{}`` stands in for it (a spec
    can be as large as a request body, and a socket may subscribe many times)."""


class ConnectAuth(BaseModel):
    """The connect payload: a job named in ``subscriptions`` is subscribed to as a
    ``subscribe`` would, answered by a ``subscribed`` event."""

    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1)
    subscriptions: list[SubscribeMessage] = Field(
        default_factory=list, max_length=MAX_CONNECT_SUBSCRIPTIONS
    )

    @field_validator("subscriptions")
    @classmethod
    def _each_job_once(cls, subscriptions: list[SubscribeMessage]) -> list[SubscribeMessage]:
        counts = Counter(s.job_id for s in subscriptions)
        repeated = sorted(job_id for job_id, n in counts.items() if n > 1)
        if repeated:
            raise ValueError(f"each job may be named once; repeated: {', '.join(repeated)}")
        return subscriptions


class UnsubscribeMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)


class ControlMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)
    action: Literal["pause", "resume", "cancel"]
    reason: ControlReason | None = None
    """Why; kept with the sender in Temporal's history and the job's events."""


def parse(model: type[M], data: Any) -> M:
    if len(json.dumps(data, default=str)) > MAX_MESSAGE_BYTES:
        raise InvalidSpec(f"messages are limited to {MAX_MESSAGE_BYTES} bytes")
    if not isinstance(data, dict):
        raise InvalidSpec(f"expected an object like {{'job_id': ...}}, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidSpec.from_validation_error(exc) from exc
