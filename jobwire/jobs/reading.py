"""A job's record, read from Temporal: its run's result, its workflow's query, or visibility.

A job belongs to the user in its ``JobUserId`` search attribute; every read checks it and
answers ``JobNotFound`` otherwise, so another user's job looks exactly like a missing one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from temporalio.api.enums.v1 import PendingActivityState, PendingWorkflowTaskState
from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from jobwire.contract.phases import CarriedState, Checkpoint
from jobwire.contract.progress import job_percent, weights_for
from jobwire.contract.records import JobRecord
from jobwire.contract.states import TERMINAL_STATES, JobAction, JobState, allowed_actions
from jobwire.contract.webhooks import WEBHOOK_ACTIVITY
from jobwire.contract.workflow_api import (
    QUERY_PROGRESS,
    SA_STATE,
    SA_USER_ID,
    WORKFLOW_NAME,
    is_job_id,
)
from jobwire.errors import JobNotFound
from jobwire.jobs.activity_pause import temporal_pause_of
from jobwire.jobs.visibility import record_from_visibility

FAILED_STATUSES = {
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TIMED_OUT,
    WorkflowExecutionStatus.TERMINATED,
}
QUERY_TIMEOUT_SECONDS = 5
"""How long a read waits for a worker to answer the workflow's query before using visibility."""
CLOSE_WAIT_TRIES = 20
CLOSE_WAIT_SECONDS = 0.25
"""How long an action on an ended job waits for its run to close: 5 s."""
ENDED_STATES = frozenset(state.value for state in TERMINAL_STATES)
"""The terminal states as the ``JobState`` search attribute spells them."""


@dataclass(frozen=True)
class SettledRun:
    """A job's latest run as ``JobReader.find_settled`` leaves it."""

    description: WorkflowExecutionDescription
    ended: bool
    """The job is in an ended state, its run closed or still delivering its webhooks."""


class JobReader:
    """Finds one user's job and reads its record, whatever state its latest run is in."""

    def __init__(self, temporal: Client) -> None:
        self.temporal = temporal

    async def get(self, user_id: str, job_id: str, *, include_spec: bool = True) -> JobRecord:
        description = await self.find(user_id, job_id)
        if description is None:
            raise JobNotFound(job_id)
        return await self.record_of(description, include_spec=include_spec)

    async def find(self, user_id: str, job_id: str) -> WorkflowExecutionDescription | None:
        """The job's latest run if it exists and belongs to ``user_id``; an id that cannot be a
        job's is answered like a missing job, without asking Temporal."""
        if not is_job_id(job_id):
            return None
        try:
            description = await self.temporal.get_workflow_handle(job_id).describe()
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                return None
            raise
        owner = description.typed_search_attributes.get(SA_USER_ID)
        if owner != user_id or description.workflow_type != WORKFLOW_NAME:
            return None
        return description

    async def find_settled(self, user_id: str, job_id: str) -> SettledRun:
        """The job's latest run, once closed if its state is already an ended one.

        A job publishes its last transition (``completed``...) and closes its run a moment
        later; a fork or delete asked for in between waits for the close (up to 5 s) rather
        than answering 409 with a state that says the job has ended. A job still running, or
        one that has ended and only delivers its webhooks (which may take minutes of
        retries), is answered at once, status ``RUNNING``; ``ended`` tells them apart."""
        for attempt in range(1, CLOSE_WAIT_TRIES + 1):
            description = await self.find(user_id, job_id)
            if description is None:
                raise JobNotFound(job_id)
            if description.status is not WorkflowExecutionStatus.RUNNING:
                return SettledRun(description, ended=True)
            ended = await self._has_ended(description)
            if not ended or attempt == CLOSE_WAIT_TRIES or only_notifying(description):
                return SettledRun(description, ended)
            await asyncio.sleep(CLOSE_WAIT_SECONDS)
        raise AssertionError("unreachable: the last attempt returns")

    async def _has_ended(self, description: WorkflowExecutionDescription) -> bool:
        """Whether a running run's job is in an ended state (a run stays open while it
        delivers its webhooks). Its search attribute says so without a query; but the event
        of the last transition leaves from a local activity before the workflow task that
        sets the attribute completes, so a caller who saw the event may come first. The
        workflow's own record (its query is answered after that task) says it."""
        if state_attribute(description) in ENDED_STATES:
            return True
        record = await self.record_of(description, include_spec=False)
        return record.state in ENDED_STATES

    async def record_of(
        self, description: WorkflowExecutionDescription, *, include_spec: bool = True
    ) -> JobRecord:
        handle = self.temporal.get_workflow_handle(
            description.id, run_id=description.run_id, result_type=JobRecord
        )
        status = description.status
        if status is WorkflowExecutionStatus.COMPLETED:
            record: JobRecord = await handle.result()
            return record
        if status in FAILED_STATUSES:
            carried = await failure_state(handle)
            if carried is not None:
                return _with_actions(carried.record, carried.checkpoint is not None)
            return await record_from_visibility(description, JobState.FAILED)
        if status is WorkflowExecutionStatus.CANCELED:
            return await _queried_or_fallback(
                handle, description, JobState.CANCELLED, include_spec=include_spec
            )
        record = await _queried_or_fallback(
            handle, description, JobState.RUNNING, include_spec=include_spec
        )
        return _with_queue_view(await self._with_activity_view(record, description), description)

    async def _with_activity_view(
        self, record: JobRecord, description: WorkflowExecutionDescription
    ) -> JobRecord:
        """Fresher progress from the running phase's last heartbeat, and Temporal's own pause."""
        for activity in description.raw_description.pending_activities:
            if not activity.activity_type.name.endswith(f".{record.phase}"):
                continue
            record.attempt = max(record.attempt, activity.attempt)
            if activity.heartbeat_details.payloads:
                values = await self.temporal.data_converter.decode(
                    activity.heartbeat_details.payloads, [Checkpoint]
                )
                checkpoint = values[0] if values else None
                if isinstance(checkpoint, Checkpoint) and record.state is JobState.RUNNING:
                    record.checkpoint = checkpoint.summary()
                    record.progress = max(record.progress, _at(record, checkpoint))
                    record.step = checkpoint.position or record.step
        if temporal_pause_of(description) is not None and record.state is JobState.RUNNING:
            record.state = JobState.PAUSED
            record.paused_by = "temporal"
            record.allowed_actions = [JobAction.RESUME, JobAction.CANCEL]
        return record


def only_notifying(description: WorkflowExecutionDescription) -> bool:
    """The run's only work left is delivering webhooks: its job has ended, and waiting for
    the run to close could take as long as their retries."""
    pending = description.raw_description.pending_activities
    return bool(pending) and all(a.activity_type.name == WEBHOOK_ACTIVITY for a in pending)


def _with_queue_view(record: JobRecord, description: WorkflowExecutionDescription) -> JobRecord:
    """Since when the job waits for a worker, and when its phase last heartbeated: what shows
    a stall (no worker polls, or the one running the phase went silent)."""
    raw = description.raw_description
    for activity in raw.pending_activities:
        if activity.state == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED:
            if activity.HasField("scheduled_time"):
                record.waiting_for_worker_since = activity.scheduled_time.ToDatetime(tzinfo=UTC)
        elif activity.HasField("last_heartbeat_time"):
            record.last_heartbeat_at = activity.last_heartbeat_time.ToDatetime(tzinfo=UTC)
        elif activity.HasField("last_started_time"):
            record.last_heartbeat_at = activity.last_started_time.ToDatetime(tzinfo=UTC)
    task = raw.pending_workflow_task
    waiting = task.state == PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED
    if record.state is JobState.CREATED and raw.HasField("pending_workflow_task") and waiting:
        record.waiting_for_worker_since = task.original_scheduled_time.ToDatetime(tzinfo=UTC)
    return record


async def failure_state(handle: WorkflowHandle[Any, Any]) -> CarriedState | None:
    """What a failed run handed on (its record and last checkpoint), if it handed anything."""
    try:
        await handle.result()
    except WorkflowFailureError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.details:
            try:
                return CarriedState.model_validate(cause.details[0])
            except ValueError:
                return None
    return None


async def _queried_or_fallback(
    handle: WorkflowHandle[Any, Any],
    description: WorkflowExecutionDescription,
    state: JobState,
    *,
    include_spec: bool = True,
) -> JobRecord:
    """The workflow's own record; without a worker to answer, the visibility view."""
    try:
        record: JobRecord = await asyncio.wait_for(
            handle.query(QUERY_PROGRESS, include_spec, result_type=JobRecord),
            timeout=QUERY_TIMEOUT_SECONDS,
        )
    except (RPCError, TimeoutError):
        return await record_from_visibility(description, state)
    if state is JobState.CANCELLED and not record.state.is_terminal:
        record.state = JobState.CANCELLED
        record.allowed_actions = allowed_actions(JobState.CANCELLED)
    return record


def _with_actions(record: JobRecord, has_checkpoint: bool) -> JobRecord:
    record.allowed_actions = allowed_actions(record.state, has_checkpoint=has_checkpoint)
    return record


def _at(record: JobRecord, checkpoint: Checkpoint) -> float:
    """Where a heartbeat puts the job: the one percent the workflow and the feed use too."""
    if record.phase not in record.phases:
        return record.progress
    weights = weights_for(record.phases, record.phase_weights)
    index = record.phases.index(record.phase)
    return job_percent(weights, index, checkpoint.done, checkpoint.total)


def state_attribute(description: WorkflowExecutionDescription) -> str:
    """The state the run last put in its search attribute (``running`` before it has)."""
    return description.typed_search_attributes.get(SA_STATE) or JobState.RUNNING.value
