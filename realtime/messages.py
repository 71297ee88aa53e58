"""What clients may send on ``/jobs``, validated before anything acts on it, and the error
acks the socket layer answers with: the REST API's problem details, in the ack."""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jobwire.errors import IllegalTransition, InvalidSpec, JobwireError, field_path

MAX_MESSAGE_BYTES = 16_384
M = TypeVar("M", bound=BaseModel)


class SubscribeMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)
    since: int | None = Field(default=None, ge=0, le=2**53 - 1)


class UnsubscribeMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)


class ControlMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)
    action: Literal["pause", "resume", "cancel"]


def parse(model: type[M], data: Any) -> M:
    if len(json.dumps(data, default=str)) > MAX_MESSAGE_BYTES:
        raise InvalidSpec(f"messages are limited to {MAX_MESSAGE_BYTES} bytes")
    if not isinstance(data, dict):
        raise InvalidSpec(f"expected an object like {{'job_id': ...}}, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": field_path(e["loc"]), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        raise InvalidSpec(summary, errors=errors) from exc


def problem(exc: Exception) -> dict[str, Any]:
    if not isinstance(exc, JobwireError):
        return {"type": "about:blank", "title": "Internal error", "status": 500}
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
    }
    if isinstance(exc, InvalidSpec):
        body["errors"] = exc.errors
    if isinstance(exc, IllegalTransition):
        body["state"] = exc.state
    return body


def refused(exc: Exception) -> dict[str, Any]:
    return {"ok": False, "error": problem(exc)}
