"""The response shapes of the REST calls that wrap the contract's records and events.

``JobRecord`` and ``JobEvent`` come from ``jobwire.contract``; these are the envelopes around
them that ``docs/protocol.md`` pins (pages, stats, meta, job types, problem details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jobwire.contract.events import JobEvent
from jobwire.contract.records import JobRecord, JobSummary


class _Lenient(BaseModel):
    """Tolerates fields a newer server adds, so an older client keeps working."""

    model_config = ConfigDict(extra="allow")


class FieldError(_Lenient):
    field: str | None = None
    message: str = ""


class Problem(_Lenient):
    """RFC 9457 problem details, as every jobwire error answers."""

    type: str = "about:blank"
    title: str = ""
    status: int = 0
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    state: str | None = Field(default=None, description="A 409's current job state.")


class JobPage(_Lenient):
    """Summaries: a list carries no spec or result; ``get_job`` reads the full record."""

    items: list[JobSummary]
    next_cursor: str | None = None


class EventPage(_Lenient):
    events: list[JobEvent]
    last_seq: int = 0


class JobStats(_Lenient):
    total: int = 0
    by_state: dict[str, int] = Field(default_factory=dict)
    by_type: dict[str, int] = Field(default_factory=dict)


class WorkerStatus(_Lenient):
    polling: bool = True
    last_seen: datetime | None = None
    message: str | None = None


class ServerMeta(_Lenient):
    version: str = ""
    temporal_ui_url: str | None = None
    temporal_namespace: str = "default"
    socketio_path: str = "/socket.io"
    socketio_namespace: str = "/jobs"
    workers: WorkerStatus | None = None

    def worker_warning(self) -> str | None:
        """What to tell a user while no worker polls (jobs wait), else None; an older server
        that does not report workers says nothing."""
        if self.workers is None or self.workers.polling:
            return None
        message = self.workers.message or "no worker is running: jobs wait"
        if self.workers.last_seen is not None:
            message += f" (none since {self.workers.last_seen.isoformat(timespec='seconds')})"
        return message

    def temporal_link(self, job_id: str) -> str | None:
        """Where the Temporal UI shows this job's workflow, as the console links it."""
        if not self.temporal_ui_url:
            return None
        base = self.temporal_ui_url.rstrip("/")
        return f"{base}/namespaces/{self.temporal_namespace}/workflows/{job_id}"


class JobTypeInfo(_Lenient):
    type: str
    description: str = ""
    phases: list[str] = Field(default_factory=list)
    json_schema: dict[str, Any] = Field(default_factory=dict, alias="schema")
    example: dict[str, Any] | None = None

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class SubscribeAck(_Lenient):
    """The ``subscribe`` ack: the job as it stands and the last ``seq`` the feed has for it."""

    job: JobRecord
    last_seq: int = 0


@dataclass(frozen=True)
class Submission:
    """A submitted job, and whether an earlier submission with the same idempotency key had
    already started it (then nothing new started)."""

    job: JobRecord
    replayed: bool
