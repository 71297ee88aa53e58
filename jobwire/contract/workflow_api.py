"""Names and payloads through which everything outside the workflow talks to it.

Kept apart from ``workflows/`` so the API, the realtime bridge and the CLI never import
workflow code.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from pydantic import BaseModel, Field
from temporalio.common import SearchAttributeKey

from jobwire.contract.forks import ForkStart
from jobwire.contract.phases import ActivityPolicy, CarriedState, PlannedPhase
from jobwire.contract.records import ControlNote
from jobwire.contract.slots import RunningCap
from jobwire.contract.webhooks import WebhookPlan

WORKFLOW_NAME = "JobWorkflow"
QUERY_PROGRESS = "progress"
SIGNAL_REPORT_PROGRESS = "report_progress"
SIGNAL_STOP_DELIVERIES = "stop_deliveries"
"""Cancels the job's webhook deliveries still waiting for an attempt: an ended job that is
resumed does not wait out their retries first."""
PUBLISH_ACTIVITY = "jobwire.publish_event"
"""The local activity through which the workflow's transitions reach the live feed."""
UPDATE_PAUSE = "pause"
UPDATE_RESUME = "resume"
UPDATE_CANCEL = "cancel"

SA_USER_ID = SearchAttributeKey.for_keyword("JobUserId")
SA_TYPE = SearchAttributeKey.for_keyword("JobType")
SA_STATE = SearchAttributeKey.for_keyword("JobState")
SA_PROGRESS = SearchAttributeKey.for_float("JobProgress")
SA_TAGS = SearchAttributeKey.for_keyword_list("JobTags")
SA_NAME = SearchAttributeKey.for_keyword("JobName")
SEARCH_ATTRIBUTES = (SA_USER_ID, SA_TYPE, SA_STATE, SA_PROGRESS, SA_TAGS, SA_NAME)
SA_SCHEDULED_BY = SearchAttributeKey.for_keyword("TemporalScheduledById")
"""Temporal's own: the schedule that started a workflow (no registration needed)."""

JOB_ID_PREFIX = "job-"
_IDEMPOTENCY_NAMESPACE = uuid.UUID("3f1c8a2e-6d0b-4c1e-9a57-2b8f0e4d7c61")


SCHEDULED_SUFFIX = r"-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
"""What Temporal appends to a schedule's workflow id for each run it starts (the run's
nominal time, RFC 3339), so a scheduled job's id is its schedule's base id plus this."""

_JOB_ID = re.compile(
    rf"^{JOB_ID_PREFIX}[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}"
    rf"(?:{SCHEDULED_SUFFIX})?$"
)
JOB_ID_PATTERN = _JOB_ID.pattern
"""What every job id looks like, for the API's published schema: a submitted job's, or a
scheduled run's (its schedule's base id and Temporal's suffix)."""


def is_job_id(value: str) -> bool:
    """Whether ``value`` could name a job; anything else is answered as a missing job."""
    return bool(_JOB_ID.fullmatch(value))


def new_job_id() -> str:
    return f"{JOB_ID_PREFIX}{uuid.uuid4()}"


def idempotent_job_id(user_id: str, key: str) -> str:
    """The same user and key always name the same workflow, so a retried POST finds its job."""
    name = user_id + "\x00" + key
    return f"{JOB_ID_PREFIX}{uuid.uuid5(_IDEMPOTENCY_NAMESPACE, name)}"


class JobWorkflowInput(BaseModel):
    """Fixed when the job starts, so a running job replays the same whatever the code does next."""

    job_id: str
    user_id: str
    type: str
    spec: dict[str, Any] = Field(description="The validated spec, as JSON.")
    phases: list[PlannedPhase] = Field(min_length=1)
    policy: ActivityPolicy = Field(default_factory=ActivityPolicy)
    description: str = ""
    restarted_from: str | None = None
    restart_note: ControlNote | None = Field(
        default=None, description="Who restarted the job this one is a fresh run of, and why."
    )
    carried: CarriedState | None = Field(
        default=None, description="Where to go on: continue-as-new, or resuming a failed job."
    )
    webhook: WebhookPlan | None = Field(
        default=None, description="Where the job's events are POSTed, and how often tried."
    )
    fork: ForkStart | None = Field(
        default=None, description="The finished phases a forked job reuses instead of running."
    )
    name: str | None = None
    tags: list[str] = Field(default_factory=list)
    summary: str = Field(default="", description="The job type's one line for the spec.")
    schedule_id: str | None = Field(
        default=None,
        description="The schedule that starts this job; its run's job id is then the workflow "
        "id Temporal gives the run, not ``job_id`` (the schedule's base id).",
    )
    running_cap: RunningCap | None = Field(
        default=None, description="The user's cap on running jobs; None runs without one."
    )


class ControlRequest(BaseModel):
    """An Update's argument, so Temporal's history shows who sent each control and why."""

    reason: str | None = None
    by: str | None = None
