"""Names and payloads through which everything outside the workflow talks to it.

Kept apart from ``workflows/`` so the API, the realtime bridge and the CLI never import
workflow code.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field
from temporalio.common import SearchAttributeKey

from jobwire.contract.records import JobRecord
from jobwire.contract.specs import JobSpec

WORKFLOW_NAME = "JobWorkflow"
QUERY_PROGRESS = "progress"
UPDATE_PAUSE = "pause"
UPDATE_RESUME = "resume"
UPDATE_CANCEL = "cancel"

SA_USER_ID = SearchAttributeKey.for_keyword("JobUserId")
SA_TYPE = SearchAttributeKey.for_keyword("JobType")
SA_STATE = SearchAttributeKey.for_keyword("JobState")
SA_PROGRESS = SearchAttributeKey.for_float("JobProgress")
SEARCH_ATTRIBUTES = (SA_USER_ID, SA_TYPE, SA_STATE, SA_PROGRESS)

JOB_ID_PREFIX = "job-"
_IDEMPOTENCY_NAMESPACE = uuid.UUID("3f1c8a2e-6d0b-4c1e-9a57-2b8f0e4d7c61")


def new_job_id() -> str:
    return f"{JOB_ID_PREFIX}{uuid.uuid4()}"


def idempotent_job_id(user_id: str, key: str) -> str:
    """The same user and key always name the same workflow, so a retried POST finds its job."""
    name = user_id + "\x00" + key
    return f"{JOB_ID_PREFIX}{uuid.uuid5(_IDEMPOTENCY_NAMESPACE, name)}"


class JobWorkflowInput(BaseModel):
    job_id: str
    user_id: str
    spec: JobSpec
    carried: JobRecord | None = Field(
        default=None, description="State carried across continue-as-new."
    )


class ControlRequest(BaseModel):
    reason: str | None = None
