"""Pause, resume, cancel and restart: a job's controls, refused with the state that forbids them.

A running job is controlled through its workflow's Updates, whose validators decide; a closed
one accepts only a resume, and only when it failed with a checkpoint, which starts its next run.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from jobwire.contract.records import ControlNote, JobRecord
from jobwire.contract.states import JobAction, JobState, allowed_actions
from jobwire.contract.workflow_api import (
    SIGNAL_STOP_DELIVERIES,
    UPDATE_CANCEL,
    UPDATE_PAUSE,
    UPDATE_RESUME,
    ControlRequest,
    JobWorkflowInput,
)
from jobwire.errors import IllegalTransition, JobNotFound
from jobwire.jobs.activity_pause import temporal_pause_of, unpause_activity
from jobwire.jobs.reading import FAILED_STATUSES, JobReader, failure_state, only_notifying
from jobwire.jobs.submission import JobStarter
from jobwire.jobs.worker_answer import worker_answer

_UPDATES = {
    JobAction.PAUSE: UPDATE_PAUSE,
    JobAction.RESUME: UPDATE_RESUME,
    JobAction.CANCEL: UPDATE_CANCEL,
}
CLOSING_WAIT_SECONDS = 10.0
"""How long a resume waits for a run that has failed to close before it starts the next."""


class JobControls:
    """Changes one user's job: through its workflow while it runs, by a new run once closed."""

    def __init__(
        self,
        temporal: Client,
        reader: JobReader,
        starter: JobStarter,
        answer_wait_seconds: float,
    ) -> None:
        """``answer_wait_seconds`` bounds how long an Update waits for a worker to take it."""
        self.temporal = temporal
        self.reader = reader
        self.starter = starter
        self.answer_wait_seconds = answer_wait_seconds

    async def control(
        self, user_id: str, job_id: str, action: JobAction, reason: str | None = None
    ) -> JobRecord:
        """Pause, resume or cancel; ``IllegalTransition`` carries the state that refused it.

        Who and why travel as the Update's argument, so Temporal's history keeps them."""
        if action not in _UPDATES:
            raise IllegalTransition(action.value, "any state")
        description = await self.reader.find(user_id, job_id)
        if description is None:
            raise JobNotFound(job_id)
        if description.status is not WorkflowExecutionStatus.RUNNING:
            return await self._control_closed(user_id, description, action, reason)
        pause = temporal_pause_of(description)
        if pause is not None and action is JobAction.RESUME:
            await unpause_activity(self.temporal, description, pause)
            return await self.reader.get(user_id, job_id)
        handle = self.temporal.get_workflow_handle(job_id)
        try:
            record: JobRecord = await self._updated(handle, action, user_id, reason)
        except WorkflowUpdateFailedError as exc:
            refusal = _refusal(action, exc)
            if action is JobAction.RESUME and refusal.state == JobState.FAILED.value:
                # The run has failed and is closing: resume it once it has closed.
                return await self._resume_after_close(user_id, job_id, handle, refusal, reason)
            raise refusal from exc
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
            # It closed between describe and update.
            current = await self.reader.get(user_id, job_id)
            refusal = IllegalTransition(action.value, current.state.value)
            if action is JobAction.RESUME and current.state is JobState.FAILED:
                return await self._resume_after_close(user_id, job_id, handle, refusal, reason)
            raise refusal from exc
        return record

    async def _updated(
        self, handle: WorkflowHandle[Any, Any], action: JobAction, user_id: str, reason: str | None
    ) -> JobRecord:
        """The Update's answer, within ``answer_wait_seconds`` (else a 503)."""
        update = handle.execute_update(
            _UPDATES[action], ControlRequest(by=user_id, reason=reason), result_type=JobRecord
        )
        unanswered = (
            f"no worker took the {action.value} within {self.answer_wait_seconds:g} s;"
            " Temporal may still apply it once one polls (GET shows whether it has)"
        )
        return await worker_answer(update, self.answer_wait_seconds, unanswered)

    async def restart(
        self,
        user_id: str,
        job_id: str,
        spec: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> JobRecord:
        """A fresh job from the original spec, or from ``spec`` when the caller amends it;
        the new job records who restarted it and why."""
        record = await self.reader.get(user_id, job_id)
        if JobAction.RESTART not in allowed_actions(record.state, has_checkpoint=True):
            raise IllegalTransition(JobAction.RESTART.value, record.state.value)
        new_record, _ = await self.starter.submit(
            user_id,
            spec if spec is not None else record.spec,
            restarted_from=job_id,
            restart_note=ControlNote(
                action=JobAction.RESTART, by=user_id, reason=reason, at=datetime.now(UTC)
            ),
        )
        return new_record

    async def _resume_after_close(
        self,
        user_id: str,
        job_id: str,
        handle: WorkflowHandle[Any, Any],
        refusal: IllegalTransition,
        reason: str | None,
    ) -> JobRecord:
        """A failed run still delivering its webhooks (their retries may take minutes) is
        told to stop them first: the run then closes as failed, with its checkpoint."""
        with contextlib.suppress(RPCError):  # it closed meanwhile
            if only_notifying(await handle.describe()):
                await handle.signal(SIGNAL_STOP_DELIVERIES)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(handle.result(), CLOSING_WAIT_SECONDS)
        description = await self.reader.find(user_id, job_id)
        if description is None or description.status is WorkflowExecutionStatus.RUNNING:
            raise refusal
        return await self._control_closed(user_id, description, JobAction.RESUME, reason)

    async def _control_closed(
        self,
        user_id: str,
        description: WorkflowExecutionDescription,
        action: JobAction,
        reason: str | None = None,
    ) -> JobRecord:
        """A closed job accepts only a resume, and only a failed one with a checkpoint."""
        record = await self.reader.record_of(description)
        if action is not JobAction.RESUME or description.status not in FAILED_STATUSES:
            raise IllegalTransition(action.value, record.state.value)
        handle = self.temporal.get_workflow_handle(description.id, run_id=description.run_id)
        carried = await failure_state(handle)
        if carried is None or carried.checkpoint is None:
            raise IllegalTransition(action.value, record.state.value)
        job = await self._original_input(description)
        note = ControlNote(action=action, by=user_id, reason=reason, at=datetime.now(UTC))
        carried.record.last_control = note
        await self.starter.start(job, carried=carried)
        return carried.record.model_copy(
            update={
                "state": JobState.RUNNING,
                "error": None,
                "finished_at": None,
                "allowed_actions": allowed_actions(JobState.RUNNING),
            }
        )

    async def _original_input(self, description: WorkflowExecutionDescription) -> JobWorkflowInput:
        """The input this run started with, read from its history's first event."""
        handle = self.temporal.get_workflow_handle(description.id, run_id=description.run_id)
        async for event in handle.fetch_history_events():
            attributes = event.workflow_execution_started_event_attributes
            values = await self.temporal.data_converter.decode(
                attributes.input.payloads, [JobWorkflowInput]
            )
            job = values[0]
            assert isinstance(job, JobWorkflowInput)
            # A scheduled run's input names its schedule's base id; the job is this run.
            return job.model_copy(update={"job_id": description.id})
        raise JobNotFound(description.id)


def _refusal(action: JobAction, exc: WorkflowUpdateFailedError) -> IllegalTransition:
    """The workflow validator's refusal as a domain error; any other failure is re-raised."""
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type == "IllegalTransition":
        details = cause.details[0] if cause.details else {}
        state = details.get("state", "unknown") if isinstance(details, dict) else "unknown"
        refusal = IllegalTransition(action.value, state)
        refusal.detail = cause.message
        return refusal
    raise exc
