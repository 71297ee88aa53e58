"""Schedules: how many a user may keep and how often one may start a job."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ScheduleSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    schedules_per_user: int = Field(
        default=50, ge=1, le=1000, description="Schedules one user may keep at a time."
    )
    schedule_min_interval_seconds: int = Field(
        default=60,
        ge=1,
        description="Shortest time between two runs of a schedule, by interval or cron.",
    )
