"""Response and request bodies the API adds around the job contract (see docs/protocol.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from jobwire.contract.events import JobEvent
from jobwire.contract.records import ControlReason
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.specs import JobInput
from jobwire.errors import field_path

RESTART_SPEC_DESCRIPTION = "An amended JobSpec; the original spec when left out."


class EventPage(BaseModel):
    events: list[JobEvent] = Field(
        description="Events with seq > since, in order; a job.snapshot stands in for expired ones."
    )
    last_seq: int = Field(ge=0, description="The latest seq the feed has for this job.")


class RestartRequest(BaseModel):
    """The restart body; ``restart_request`` narrows ``spec`` to the registered types' union,
    so the published schema is the one the server validates."""

    model_config = ConfigDict(extra="forbid")

    spec: JobInput | None = Field(default=None, description=RESTART_SPEC_DESCRIPTION)
    reason: ControlReason | None = Field(
        default=None, description="Why the job is restarted; the new job keeps it with who."
    )


class ControlBody(BaseModel):
    """The optional body of pause, resume and cancel: why, kept in Temporal's history."""

    model_config = ConfigDict(extra="forbid")

    reason: ControlReason | None = Field(
        default=None,
        description="Why (printable, one line); shown with who in the job's events.",
    )


def json_as_published(registry: JobTypeRegistry) -> Callable[[Any], Any]:
    """A validator that refuses a spec whose JSON types differ from the published schema's.

    Pydantic's lax mode reads ``0`` as ``false`` and ``"5"`` as ``5``; the schema says
    boolean and integer, so a client reading it would never send those, and a client that
    does has a bug the API should name rather than guess around. A spec lax mode refuses
    passes through, for the usual validation to name its field."""

    def check(data: Any) -> Any:
        adapter = registry.adapter()
        try:
            adapter.validate_python(data)
        except ValidationError:
            return data
        try:
            adapter.validate_json(json.dumps(_integral(data)), strict=True)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = field_path(first["loc"], frozenset(registry.names()))
            raise ValueError(f"{where}: {first['msg']}") from None
        return data

    return check


def _integral(data: Any) -> Any:
    """``6.0`` as ``6``: JSON Schema counts a number with no fraction as an integer."""
    if isinstance(data, float) and data.is_integer():
        return int(data)
    if isinstance(data, dict):
        return {key: _integral(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_integral(value) for value in data]
    return data


def restart_request(registry: JobTypeRegistry) -> type[RestartRequest]:
    """``RestartRequest`` whose ``spec`` is ``registry``'s union, checked as a submission is."""
    spec_type = checked_spec(registry, optional=True)
    return create_model(
        "RestartRequest",
        __base__=RestartRequest,
        __doc__="An optional amended spec for the new job.",
        spec=(spec_type, Field(default=None, description=RESTART_SPEC_DESCRIPTION)),
    )


def checked_spec(registry: JobTypeRegistry, *, optional: bool) -> Any:
    """A spec field's type inside a body: ``registry``'s union, checked as a submission is."""

    def precheck(data: Any) -> Any:
        return data if data is None else registry.precheck(data)

    strict = json_as_published(registry)

    def exact(data: Any) -> Any:
        return data if data is None else strict(data)

    union: Any = registry.union_type() | None if optional else registry.union_type()
    # Before-validators run last first: migrate the spec, then check its JSON types.
    return Annotated[union, BeforeValidator(exact), BeforeValidator(precheck)]


class JobTypeInfo(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    type: str
    description: str
    phases: list[str]
    json_schema: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    example: dict[str, Any] | None = None


class WorkerStatus(BaseModel):
    """Whether any worker polls the task queue; without one, submitted jobs wait."""

    polling: bool = Field(description="A worker polled the task queue recently.")
    last_seen: datetime | None = Field(
        description="When a worker last polled, if Temporal still remembers it (five minutes)."
    )
    message: str | None = Field(description="What to tell a user while no worker polls.")


class ServerMeta(BaseModel):
    version: str
    temporal_ui_url: str | None
    temporal_namespace: str
    socketio_path: str = "/socket.io"
    socketio_namespace: str = "/jobs"
    workers: WorkerStatus | None = Field(
        default=None, description="Task queue liveness; null when Temporal did not answer."
    )


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str] = Field(description="'ok' or why the component is not reachable.")
