"""How phases run: heartbeats, retries, and what a job may reach."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from jobwire.contract.phases import ActivityPolicy


class ActivitySettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    heartbeat_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A silent activity is retried after this."
    )
    heartbeat_throttle_seconds: float = Field(
        default=1.0, ge=0, description="Least time between two checkpoints sent."
    )
    progress_event_seconds: float = Field(
        default=0.25, ge=0, description="Least time between two live progress events of a phase."
    )
    progress_report_seconds: float = Field(
        default=10.0,
        ge=0,
        description="Least time between two progress reports to the workflow (query, search"
        " attribute, Temporal UI; reads come from Redis).",
    )
    history_event_limit: int = Field(
        default=10_000, ge=100, description="A job continues as new past this history length."
    )
    activity_start_to_close_seconds: float = Field(
        default=6 * 3600.0, gt=0, description="Longest one phase attempt may run."
    )
    retry_initial_interval_seconds: float = Field(
        default=0.2, gt=0, description="First retry delay of a failed phase attempt."
    )
    retry_after_timeout_seconds: float = Field(
        default=0.2,
        gt=0,
        description="Retry delay of a phase attempt that timed out (its worker died): the next "
        "worker is not the dead one, so this never backs off. Failures back off as below.",
    )
    retry_backoff_coefficient: float = Field(
        default=4.0,
        ge=1,
        description="Growth of the retry delay (with the short first delay, keeps a transient "
        "outage about 17 s of retries before a phase fails).",
    )
    retry_maximum_interval_seconds: float = Field(
        default=30.0, gt=0, description="Longest retry delay."
    )
    retry_maximum_attempts: int = Field(
        default=5,
        ge=0,
        description="Attempts of one phase (the first included) before its job fails with its"
        " checkpoint kept, ready to resume. 0 retries without end: an explicit opt-in, since a"
        " failure that recurs then never ends the job.",
    )
    job_type_modules: list[str] = Field(
        default_factory=list,
        description="Extra modules whose `JOB_TYPE` is a job type's contract (besides installed"
        " plugins).",
    )
    files_root: Path | None = Field(
        default=None, description="Jobs may read local files only below this folder."
    )
    allow_private_sources: bool = Field(
        default=False,
        description="Let research sources and analysis datasets come from loopback, private or"
        " link-local addresses. Off, a job's URL cannot reach the worker's own network.",
    )
    job_types: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Each job type's own settings, by type and field:"
        " `JOBWIRE_JOB_TYPES__RESEARCH__MAX_SOURCES=8` (see the job types' settings below).",
    )

    @property
    def heartbeat_timeout(self) -> timedelta:
        return timedelta(seconds=self.heartbeat_timeout_seconds)

    def activity_policy(self) -> ActivityPolicy:
        """The retry and timeout policy a job starts with; it stays with the job for its life."""
        return ActivityPolicy(
            heartbeat_timeout_seconds=self.heartbeat_timeout_seconds,
            start_to_close_seconds=self.activity_start_to_close_seconds,
            retry_initial_interval_seconds=self.retry_initial_interval_seconds,
            retry_backoff_coefficient=self.retry_backoff_coefficient,
            retry_maximum_interval_seconds=self.retry_maximum_interval_seconds,
            retry_maximum_attempts=self.retry_maximum_attempts,
            retry_after_timeout_seconds=self.retry_after_timeout_seconds,
            history_event_limit=self.history_event_limit,
        )
