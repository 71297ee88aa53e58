"""Response and request bodies the API adds around the job contract (see docs/protocol.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jobwire.contract.events import JobEvent


class EventPage(BaseModel):
    events: list[JobEvent] = Field(
        description="Events with seq > since, in order; a job.snapshot stands in for expired ones."
    )
    last_seq: int = Field(ge=0, description="The latest seq the feed has for this job.")


class RestartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spec: dict[str, Any] | None = Field(
        default=None, description="An amended JobSpec; the original spec when left out."
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
