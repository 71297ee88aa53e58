"""One action on many jobs: what ``POST /api/jobs/actions`` takes and answers.

The jobs are named by id or by a ``JobFilter``; the answer says, per job, whether the action
was done, was not allowed in the job's state, or found no such job of the caller's (another
user's id reads as not found, as it does everywhere).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from jobwire.contract.filters import JobFilter
from jobwire.contract.records import ControlReason
from jobwire.contract.states import JobAction

BULK_IDS_MAX = 1000
"""The most ids a request may name; the ``bulk_action_max_jobs`` setting may lower it."""

BulkJobId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
"""Any string: one that cannot be a job id is answered ``not_found`` like a missing job."""


class BulkOutcome(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    NO_WORKER = "no_worker"
    """No worker took the action within its wait; Temporal may still apply it later."""


class _BulkBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: JobAction
    reason: ControlReason | None = Field(
        default=None, description="Why; kept with who in each job's history and events."
    )


class BulkByIds(_BulkBase):
    """The action on the jobs named by id."""

    ids: list[BulkJobId] = Field(
        min_length=1,
        max_length=BULK_IDS_MAX,
        description="The jobs, by id (repeats count once); more than the server's "
        "bulk_action_max_jobs is a 422.",
    )


class BulkByFilter(_BulkBase):
    """The action on the jobs a filter matches."""

    filter: JobFilter = Field(
        description="The jobs that match, up to the server's bulk_action_max_jobs; the answer's "
        "`more` says whether others matched too."
    )


BulkRequest = BulkByIds | BulkByFilter
"""An action and its jobs: ``ids`` or ``filter``, never both (each shape forbids the other's
field, so the published schema says so too)."""


class BulkItem(BaseModel):
    job_id: str
    outcome: BulkOutcome
    state: str | None = Field(
        default=None, description="The job's state after the action, or the one that refused it."
    )
    detail: str | None = Field(default=None, description="Why it was not allowed.")
    new_job_id: str | None = Field(default=None, description="A restart's new job.")


class BulkResult(BaseModel):
    action: JobAction
    results: list[BulkItem]
    more: bool = Field(
        default=False,
        description="The filter matched more jobs than one request acts on; send it again "
        "(narrowed, or once these have left the filter) for the rest.",
    )
