"""A job record from Temporal's visibility alone: for lists, and when no worker can answer a query.

Visibility holds the search attributes (state, progress, type, user), the start and close
times, and the memo (spec, phase names); that is enough for a list row or a degraded view.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowExecution, WorkflowExecutionStatus

from jobwire.contract.forks import FORK_MEMO
from jobwire.contract.priority import DEFAULT_PRIORITY, HIGHEST_PRIORITY, LOWEST_PRIORITY
from jobwire.contract.records import ForkOrigin, JobRecord, JobSummary
from jobwire.contract.states import JobState, allowed_actions
from jobwire.contract.workflow_api import (
    SA_NAME,
    SA_PROGRESS,
    SA_SCHEDULED_BY,
    SA_STATE,
    SA_TAGS,
    SA_TYPE,
    SA_USER_ID,
)

_STATE_OF_STATUS = {
    WorkflowExecutionStatus.COMPLETED: JobState.COMPLETED,
    WorkflowExecutionStatus.FAILED: JobState.FAILED,
    WorkflowExecutionStatus.TIMED_OUT: JobState.FAILED,
    WorkflowExecutionStatus.TERMINATED: JobState.FAILED,
    WorkflowExecutionStatus.CANCELED: JobState.CANCELLED,
}


async def summary_from_visibility(
    execution: WorkflowExecution, state: JobState | None = None
) -> JobSummary:
    """A list row: decodes only the phase names from the memo, never the spec."""
    attributes = execution.typed_search_attributes
    try:
        phases: list[str] = list(await execution.memo_value("phases", []))
        summary = str(await execution.memo_value("summary", ""))
    except Exception:  # an unreadable memo costs the phase names, never the row
        phases, summary = [], ""
    forked_from = await _forked_from(execution)
    priority = await _memo_priority(execution)
    known = attributes.get(SA_STATE)
    closed_state = _STATE_OF_STATUS.get(execution.status) if execution.status else None
    resolved = state if state is not None and state.is_terminal else None
    job_state = resolved or closed_state or (JobState(known) if known else JobState.RUNNING)
    progress = attributes.get(SA_PROGRESS) or 0.0
    return JobSummary(
        job_id=execution.id,
        run_id=execution.run_id,
        user_id=attributes.get(SA_USER_ID) or "",
        type=attributes.get(SA_TYPE) or "",
        state=job_state,
        progress=100.0 if job_state is JobState.COMPLETED else min(max(progress, 0.0), 100.0),
        phases=phases,
        allowed_actions=allowed_actions(job_state),
        created_at=execution.start_time,
        started_at=execution.start_time,
        updated_at=execution.close_time or execution.start_time,
        finished_at=execution.close_time,
        forked_from=forked_from,
        name=attributes.get(SA_NAME),
        tags=list(attributes.get(SA_TAGS) or []),
        summary=summary,
        schedule_id=attributes.get(SA_SCHEDULED_BY),
        priority=priority,
    )


async def _forked_from(execution: WorkflowExecution) -> ForkOrigin | None:
    """The fork's origin from the memo; none for a job that is no fork, or an unreadable one."""
    try:
        value = await execution.memo_value(FORK_MEMO, None)
        return None if value is None else ForkOrigin.model_validate(value)
    except Exception:  # an unreadable memo costs the origin, never the row
        return None


async def _memo_priority(execution: WorkflowExecution) -> int:
    """The priority the job started with (the default for jobs from before priorities)."""
    try:
        value = await execution.memo_value("priority", DEFAULT_PRIORITY)
    except Exception:  # an unreadable memo costs the priority, never the row
        return DEFAULT_PRIORITY
    valid = isinstance(value, int) and HIGHEST_PRIORITY <= value <= LOWEST_PRIORITY
    return value if valid else DEFAULT_PRIORITY


async def record_from_visibility(
    execution: WorkflowExecution, state: JobState | None = None
) -> JobRecord:
    """The summary with the spec from the memo: a degraded view of one job."""
    summary = await summary_from_visibility(execution, state)
    try:
        spec: dict[str, Any] = dict(await execution.memo_value("spec", {}))
    except Exception:  # an unreadable memo costs the spec, never the record
        spec = {}
    return JobRecord(**summary.model_dump(), spec=spec)
