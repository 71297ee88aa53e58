"""The job record: what ``GET /api/jobs/{id}``, the ``progress`` query and ``subscribe`` return."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from jobwire.contract import SCHEMA_VERSION
from jobwire.contract.priority import DEFAULT_PRIORITY, HIGHEST_PRIORITY, LOWEST_PRIORITY
from jobwire.contract.states import JobAction, JobState
from jobwire.contract.webhooks import WebhookStatus


class CheckpointSummary(BaseModel):
    """Enough about the last checkpoint for a person to decide between resume and restart."""

    phase: str
    position: str = Field(description="Where the phase stands, e.g. 'source 3 of 8'.")
    size_bytes: int = Field(ge=0)
    taken_at: AwareDatetime


CONTROL_REASON_MAX_LENGTH = 500
"""The longest reason a control may carry: a sentence for the audit trail, never a document."""


CONTROL_REASON_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
"""No control characters (no line breaks, no terminal escapes): published in the schema and
enforced as published."""

ControlReason = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=CONTROL_REASON_MAX_LENGTH, pattern=CONTROL_REASON_PATTERN
    ),
]
"""Why someone paused, resumed, cancelled or restarted a job, as every edge accepts it."""


class ControlNote(BaseModel):
    """Who last controlled the job, how, why and when: kept on the record for the audit trail."""

    action: JobAction
    by: str | None = Field(default=None, description="The token's subject that sent it.")
    reason: str | None = None
    at: AwareDatetime


class JobError(BaseModel):
    type: str = Field(description="Error class, e.g. 'InvalidSpec', 'RiskCheckFailed'.")
    message: str
    retryable: bool = False
    phase: str | None = None
    attempts: int = Field(
        default=1, ge=1, description="Attempts of the phase before it failed for good."
    )


class ForkOrigin(BaseModel):
    """The job and phase a forked job started from: the phases before ``phase`` were not run
    again, their outputs came from ``job_id``."""

    job_id: str = Field(description="The job this one was forked from.")
    phase: str = Field(description="The first phase this job ran itself.")


class JobSummary(BaseModel):
    """A job as a list shows it: everything but what can be large (spec, result, error), which
    ``GET /api/jobs/{id}`` returns in the full ``JobRecord``."""

    schema_version: int = SCHEMA_VERSION
    job_id: str
    run_id: str | None = None
    user_id: str
    type: str
    state: JobState
    progress: float = Field(default=0.0, ge=0.0, le=100.0)
    step: str = ""
    phase: str | None = None
    phases: list[str] = Field(default_factory=list)
    phase_weights: list[float] = Field(
        default_factory=list,
        description="Each phase's share of the progress bar, in the order of ``phases`` (empty "
        "in records from before weights were carried: equal shares).",
    )
    allowed_actions: list[JobAction] = Field(default_factory=list)
    paused_by: str | None = Field(
        default=None, description="'jobwire' or 'temporal' (Temporal's own activity pause)."
    )
    restarted_from: str | None = Field(
        default=None, description="The job this one is a fresh run of."
    )
    created_at: AwareDatetime
    started_at: AwareDatetime | None = None
    updated_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    seq: int | None = Field(
        default=None,
        ge=1,
        description="The last event folded into this record: the events after it are what a "
        "subscriber with ``since`` = seq still needs. Null when the record was rebuilt from "
        "Temporal with no event folded in yet.",
    )
    forked_from: ForkOrigin | None = Field(
        default=None, description="The job and phase this one was forked from, if it was."
    )
    name: str | None = Field(default=None, description="The name given at submit, if any.")
    tags: list[str] = Field(default_factory=list, description="The tags given at submit.")
    summary: str = Field(
        default="",
        description="One line its job type derives from the spec, e.g. 'buy 1200 "
        "ACME by VWAP in 12 slices' (empty in records from before summaries).",
    )
    schedule_id: str | None = Field(
        default=None, description="The schedule that started this job, if one did."
    )
    priority: int = Field(
        default=DEFAULT_PRIORITY,
        ge=HIGHEST_PRIORITY,
        le=LOWEST_PRIORITY,
        description="The job's priority, 1 (first) to 5 (last), as its spec asked.",
    )


class JobRecord(JobSummary):
    spec: dict[str, Any]
    checkpoint: CheckpointSummary | None = None
    attempt: int = Field(default=1, ge=1, description="Attempt of the running phase.")
    waiting_for_worker_since: AwareDatetime | None = Field(
        default=None,
        description="While no worker has taken the job's next task (its first, or its phase's "
        "current attempt): when that task was scheduled. Null once a worker runs it.",
    )
    last_heartbeat_at: AwareDatetime | None = Field(
        default=None, description="When the running phase's worker last reported in."
    )
    result: dict[str, Any] | None = None
    error: JobError | None = None
    last_control: ControlNote | None = Field(
        default=None, description="The last pause, resume, cancel or restart: who, why, when."
    )
    webhook: WebhookStatus | None = Field(
        default=None, description="The job's last webhook delivery; null if it has none yet."
    )


PAGE_SIZE_MAX = 200
"""The most jobs one page of the list holds, for the API and every client alike."""


class JobPage(BaseModel):
    """One page of a user's jobs, newest first; ``next_cursor`` is opaque."""

    items: list[JobSummary]
    next_cursor: str | None = None


class JobStats(BaseModel):
    total: int = Field(ge=0)
    by_state: dict[str, int]
    by_type: dict[str, int]


class StaleJob(BaseModel):
    """A running job whose phase's worker has gone silent."""

    job_id: str
    phase: str
    attempt: int = Field(ge=1)
    worker: str | None = Field(description="The identity of the worker that last ran the phase.")
    last_heartbeat_at: AwareDatetime
    silent_seconds: float = Field(ge=0)


class StaleJobs(BaseModel):
    older_than_seconds: float
    items: list[StaleJob]
