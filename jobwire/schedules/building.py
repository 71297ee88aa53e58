"""A schedule as Temporal keeps it: a start-workflow action with the input a submit builds.

Each run is an ordinary job of the schedule's owner: the action starts ``JobWorkflow`` with the
same input, search attributes and memo ``POST /api/jobs`` gives a job (``JobUserId`` makes it
the owner's; Temporal adds ``TemporalScheduledById``). The schedule carries ``JobUserId`` too,
so ``list_schedules`` finds a user's schedules and every read checks the owner.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import (
    Schedule,
    ScheduleActionStartWorkflow,
    SchedulePolicy,
    ScheduleState,
)
from temporalio.common import Priority, SearchAttributePair, TypedSearchAttributes

from jobwire.contract.schedules import Overlap, Timetable
from jobwire.contract.workflow_api import SA_USER_ID, WORKFLOW_NAME, JobWorkflowInput
from jobwire.jobs.submission import job_memo, job_search_attributes, static_details
from jobwire.schedules.timetable import TEMPORAL_OVERLAP, temporal_spec

TIMETABLE_MEMO = "timetable"
"""The action's memo key holding the timetable as its owner wrote it (Temporal keeps the
compiled calendar only), beside the spec and phases every job's memo has."""


def owner_attributes(user_id: str) -> TypedSearchAttributes:
    return TypedSearchAttributes([SearchAttributePair(SA_USER_ID, user_id)])


def build_schedule(
    job: JobWorkflowInput,
    timetable: Timetable,
    overlap: Overlap,
    task_queue: str,
    state: ScheduleState,
    priority: Priority,
) -> Schedule:
    """The whole schedule; an update replaces it with a new one built the same way. Each run
    starts with ``priority`` (its key, and the owner as fairness key), as a submitted job does."""
    memo: dict[str, Any] = {**job_memo(job), TIMETABLE_MEMO: timetable.model_dump(mode="json")}
    action = ScheduleActionStartWorkflow(
        WORKFLOW_NAME,
        job,
        id=job.job_id,
        task_queue=task_queue,
        typed_search_attributes=job_search_attributes(job),
        memo=memo,
        static_summary=f"{job.type} job for {job.user_id} (schedule {job.schedule_id})",
        static_details=static_details(job),
        priority=priority,
    )
    return Schedule(
        action=action,
        spec=temporal_spec(timetable),
        policy=SchedulePolicy(overlap=TEMPORAL_OVERLAP[overlap]),
        state=state,
    )
