"""Schedules: a job spec that Temporal starts on a timetable, as one of the user's jobs.

A schedule is a Temporal Schedule (so Temporal's UI and ``temporal schedule`` show and pause
it); these are the models the API, the CLI and the console share for it. Every run is an
ordinary ``JobWorkflow`` job of the schedule's owner, whose record names the schedule.
"""

from __future__ import annotations

import re
import uuid
from enum import StrEnum
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from jobwire.contract.records import (
    CONTROL_REASON_MAX_LENGTH,
    CONTROL_REASON_PATTERN,
    ControlReason,
)
from jobwire.contract.specs import JobInput


class Overlap(StrEnum):
    """What a run due while the previous one still runs does; Temporal's overlap policies."""

    SKIP = "skip"
    BUFFER_ONE = "buffer_one"
    BUFFER_ALL = "buffer_all"
    CANCEL_OTHER = "cancel_other"
    TERMINATE_OTHER = "terminate_other"
    ALLOW_ALL = "allow_all"


SCHEDULE_ID_PREFIX = "schedule-"
_SCHEDULE_ID = re.compile(
    rf"^{SCHEDULE_ID_PREFIX}[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$"
)
SCHEDULE_ID_PATTERN = _SCHEDULE_ID.pattern


def is_schedule_id(value: str) -> bool:
    """Whether ``value`` could name a schedule; anything else is answered as a missing one."""
    return bool(_SCHEDULE_ID.fullmatch(value))


def new_schedule_id() -> str:
    return f"{SCHEDULE_ID_PREFIX}{uuid.uuid4()}"


CRON_MAX_LENGTH = 100
CRON_PATTERN = r"^[0-9A-Za-z*/,?#@ -]+$"
"""Temporal's cron fields and macros (``@daily``, ``@every 2h``); no ``CRON_TZ=`` prefix, as
the time zone is a field of its own."""
INTERVAL_MAX_SECONDS = 366 * 24 * 3600
TIME_ZONE_PATTERN = r"^[A-Za-z0-9_+\-/]+$"


class ScheduleChange(BaseModel):
    """A PATCH body: only the fields given change; a cron replaces an interval and back."""

    model_config = ConfigDict(extra="forbid")

    cron: str | None = Field(
        default=None,
        min_length=1,
        max_length=CRON_MAX_LENGTH,
        pattern=CRON_PATTERN,
        description="A cron expression (5 to 7 fields, or a macro such as `@daily`), read in "
        "`time_zone`; runs may come no closer than the server's minimum interval.",
    )
    interval_seconds: int | None = Field(
        default=None,
        ge=1,
        le=INTERVAL_MAX_SECONDS,
        description="Run every this many seconds instead of a cron; no less than the server's "
        "`schedule_min_interval_seconds` (60 by default).",
    )
    time_zone: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=TIME_ZONE_PATTERN,
        description="The IANA time zone a cron is read in, e.g. `Europe/Paris`.",
    )
    overlap: Overlap | None = Field(
        default=None, description="What a run due while the last one still runs does."
    )
    note: str | None = Field(
        default=None,
        max_length=CONTROL_REASON_MAX_LENGTH,
        pattern=CONTROL_REASON_PATTERN,
        description="What the schedule is for, shown beside it (printable, one line).",
    )
    spec: JobInput | None = Field(default=None, description="The job each run starts.")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _one_timetable(self) -> Self:
        if self.cron is not None and self.interval_seconds is not None:
            raise ValueError("give either cron or interval_seconds, not both")
        return self


class ScheduleRequest(ScheduleChange):
    """A POST body: a spec and exactly one of ``cron`` and ``interval_seconds``."""

    time_zone: str = Field(
        default="UTC",
        min_length=1,
        max_length=64,
        pattern=TIME_ZONE_PATTERN,
        description="The IANA time zone a cron is read in, e.g. `Europe/Paris`.",
    )
    overlap: Overlap = Field(
        default=Overlap.SKIP, description="What a run due while the last one still runs does."
    )
    spec: JobInput = Field(description="The job each run starts.")
    paused: bool = Field(
        default=False, description="Create it paused: nothing runs until unpaused."
    )

    @model_validator(mode="after")
    def _has_timetable(self) -> Self:
        if self.cron is None and self.interval_seconds is None:
            raise ValueError("give a cron or an interval_seconds")
        return self


class Timetable(BaseModel):
    """When a schedule runs, as its owner wrote it (Temporal keeps only what it compiled)."""

    cron: str | None = None
    interval_seconds: int | None = None
    time_zone: str = "UTC"
    note: str | None = None


class ScheduleRun(BaseModel):
    """One job a schedule started."""

    job_id: str
    scheduled_at: AwareDatetime = Field(description="When the run was due.")
    started_at: AwareDatetime | None = Field(description="When Temporal started its job.")


class ScheduleRecord(BaseModel):
    """A schedule as ``GET /api/schedules/{id}`` answers it: its timetable, its job, whether it
    is paused, and its next and recent runs with their job ids."""

    schedule_id: str
    user_id: str
    type: str = Field(description="The job type each run starts.")
    spec: dict[str, Any]
    cron: str | None = None
    interval_seconds: int | None = None
    time_zone: str = "UTC"
    overlap: Overlap = Overlap.SKIP
    note: str | None = None
    paused: bool = False
    state_note: str | None = Field(
        default=None, description="Temporal's note on the last pause or unpause (who, why)."
    )
    next_runs: list[AwareDatetime] = Field(default_factory=list)
    recent_runs: list[ScheduleRun] = Field(
        default_factory=list, description="The latest runs, oldest first."
    )
    running_jobs: list[str] = Field(default_factory=list)
    runs: int = Field(default=0, ge=0, description="Runs started so far.")
    created_at: AwareDatetime
    updated_at: AwareDatetime | None = None


class SchedulePage(BaseModel):
    """The caller's schedules, newest first."""

    items: list[ScheduleRecord]


class ScheduleControl(BaseModel):
    """The optional body of pause and unpause: why, kept as Temporal's note on the schedule."""

    model_config = ConfigDict(extra="forbid")

    reason: ControlReason | None = Field(
        default=None,
        description="Why (printable, one line); shown as the schedule's note in Temporal.",
    )
