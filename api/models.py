"""Response and request bodies the API adds around the job contract (see docs/protocol.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from jobwire.contract.events import JobEvent
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.specs import JobInput

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


def restart_request(registry: JobTypeRegistry) -> type[RestartRequest]:
    """``RestartRequest`` whose ``spec`` is ``registry``'s union, checked as a submission is."""

    def precheck(data: Any) -> Any:
        return data if data is None else registry.precheck(data)

    spec_type: Any = Annotated[registry.union_type() | None, BeforeValidator(precheck)]
    return create_model(
        "RestartRequest",
        __base__=RestartRequest,
        __doc__="An optional amended spec for the new job.",
        spec=(spec_type, Field(default=None, description=RESTART_SPEC_DESCRIPTION)),
    )


class JobTypeInfo(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    type: str
    description: str
    phases: list[str]
    json_schema: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    example: dict[str, Any] | None = None


class ServerMeta(BaseModel):
    version: str
    temporal_ui_url: str | None
    temporal_namespace: str
    socketio_path: str = "/socket.io"
    socketio_namespace: str = "/jobs"


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str] = Field(description="'ok' or why the component is not reachable.")
