"""What the workflow hands a phase activity, what it gets back, and what it carries along.

Specs cross the workflow as plain dicts: the workflow never needs the concrete input model,
so running jobs replay unchanged however the job types' code moves on. Activities parse them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from jobwire.contract.records import CheckpointSummary, JobRecord


class Checkpoint(BaseModel):
    """A phase's resumable position, carried as heartbeat details (keep it well under 1 MB)."""

    phase: str
    position: str = Field(description="Human-readable, e.g. 'row 120000'.")
    done: int = Field(default=0, ge=0, description="Units finished in this phase.")
    total: int | None = Field(default=None, ge=0)
    state: dict[str, Any] = Field(
        default_factory=dict, description="The job type's cursor and partial aggregates."
    )
    taken_at: AwareDatetime

    def summary(self) -> CheckpointSummary:
        return CheckpointSummary(
            phase=self.phase,
            position=self.position,
            size_bytes=len(self.model_dump_json()),
            taken_at=self.taken_at,
        )


class FailureDetails(BaseModel):
    """What a failed phase attempt hands Temporal beside its message: how many attempts it
    took and the checkpoint the last one reached, so the job fails ready to resume."""

    attempt: int = Field(ge=1)
    checkpoint: Checkpoint | None = None


class PlannedPhase(BaseModel):
    """One phase as the workflow runs it; fixed when the job starts."""

    name: str
    activity: str = Field(description="Activity type name, '<job type>.<phase>'.")
    weight: float = Field(default=1.0, gt=0)
    description: str = ""


class ActivityPolicy(BaseModel):
    """Timeouts and retries of phase activities, taken from settings when the job starts."""

    heartbeat_timeout_seconds: float = Field(default=10.0, gt=0)
    start_to_close_seconds: float = Field(default=6 * 3600.0, gt=0)
    retry_initial_interval_seconds: float = Field(default=1.0, gt=0)
    retry_backoff_coefficient: float = Field(default=2.0, ge=1)
    retry_maximum_interval_seconds: float = Field(default=30.0, gt=0)
    retry_maximum_attempts: int = Field(
        default=5, ge=0, description="Attempts of one phase before the job fails; 0: no limit."
    )
    history_event_limit: int = Field(
        default=10_000, ge=100, description="Continue-as-new once history passes this length."
    )
    retry_after_timeout_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Delay before retrying an attempt that timed out (its worker died); a "
        "failed attempt then backs off by the fields above on its own. None (jobs started "
        "before this field): timeouts back off like failures.",
    )

    @property
    def heartbeat_timeout(self) -> timedelta:
        return timedelta(seconds=self.heartbeat_timeout_seconds)

    def failure_retry_delay(self, attempt: int) -> timedelta:
        """The wait after failed attempt ``attempt``: Temporal's backoff formula, applied by
        the attempt itself because the retry policy now serves timeouts."""
        seconds = self.retry_initial_interval_seconds * self.retry_backoff_coefficient ** (
            attempt - 1
        )
        return timedelta(seconds=min(seconds, self.retry_maximum_interval_seconds))


class PhaseInput(BaseModel):
    job_id: str
    user_id: str
    spec: dict[str, Any]
    phase: str
    phase_index: int = Field(ge=0)
    phase_count: int = Field(ge=1)
    progress_start: float = Field(ge=0, le=100)
    progress_end: float = Field(ge=0, le=100)
    previous: dict[str, Any] = Field(
        default_factory=dict, description="Outputs of the finished phases, by phase name."
    )
    resume_from: Checkpoint | None = Field(
        default=None, description="Checkpoint handed back when the job was paused."
    )
    retry: ActivityPolicy | None = Field(
        default=None,
        description="The job's policy when a timed-out attempt is retried at once: a failed "
        "attempt then sets its own backoff from it.",
    )


class PhaseOutcome(BaseModel):
    status: Literal["completed", "paused"]
    output: dict[str, Any] | None = None
    checkpoint: Checkpoint | None = None


class ProgressReport(BaseModel):
    """What a running phase tells its workflow, throttled, so queries and search attributes move."""

    phase: str
    progress: float = Field(ge=0, le=100)
    step: str = ""
    attempt: int = Field(default=1, ge=1)
    checkpoint: CheckpointSummary | None = None


class CarriedState(BaseModel):
    """Everything a job needs to go on in a new run: across continue-as-new, or a failed job's
    resume from its checkpoint."""

    record: JobRecord
    next_phase: int = Field(ge=0)
    outputs: dict[str, Any] = Field(default_factory=dict)
    checkpoint: Checkpoint | None = None
