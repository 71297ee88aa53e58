"""The schedule bodies as the API publishes them: ``spec`` narrowed to the registered job types'
union and checked exactly as ``POST /api/jobs`` checks a spec (migrated, then its JSON types)."""

from __future__ import annotations

from pydantic import Field, create_model

from api.models import checked_spec
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.schedules import ScheduleChange, ScheduleRequest

SPEC_DESCRIPTION = "The job each run starts, as `POST /api/jobs` takes it."


def schedule_request(registry: JobTypeRegistry) -> type[ScheduleRequest]:
    return create_model(
        "ScheduleRequest",
        __base__=ScheduleRequest,
        __doc__="A new schedule: a job spec and exactly one of `cron` and `interval_seconds`.",
        spec=(checked_spec(registry, optional=False), Field(description=SPEC_DESCRIPTION)),
    )


def schedule_change(registry: JobTypeRegistry) -> type[ScheduleChange]:
    return create_model(
        "ScheduleChange",
        __base__=ScheduleChange,
        __doc__="The fields to change; a cron replaces an interval and back.",
        spec=(
            checked_spec(registry, optional=True),
            Field(default=None, description=SPEC_DESCRIPTION),
        ),
    )
