"""JobWorkflow: every job type runs as this one workflow, a sequence of phase activities.

The workflow owns the job's state machine. Controls arrive as Updates whose validators refuse
illegal transitions with the current state; progress arrives as throttled signals from the
running phase; every transition is published to the live feed through a local activity and
mirrored into search attributes and the Temporal UI's details. The workflow never does I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventDraft, EventType
    from jobwire.contract.phases import (
        CarriedState,
        Checkpoint,
        PhaseInput,
        PhaseOutcome,
        PlannedPhase,
        ProgressReport,
    )
    from jobwire.contract.records import JobError, JobRecord
    from jobwire.contract.states import JobAction, JobState, allowed_actions, is_allowed
    from jobwire.contract.workflow_api import (
        PUBLISH_ACTIVITY,
        QUERY_PROGRESS,
        SA_PROGRESS,
        SA_STATE,
        SIGNAL_REPORT_PROGRESS,
        UPDATE_CANCEL,
        UPDATE_PAUSE,
        UPDATE_RESUME,
        ControlRequest,
        JobWorkflowInput,
    )
    from workflows.presentation import describe_for_ui

CONTROL_WAIT = timedelta(seconds=10)
"""How long a pause or cancel Update waits for the running phase to hand back its checkpoint
before answering with the state as it then is."""


class _Interrupt:
    PAUSE = "pause"
    CANCEL = "cancel"


@workflow.defn(name="JobWorkflow")
class JobWorkflow:
    @workflow.init
    def __init__(self, job: JobWorkflowInput) -> None:
        self._job = job
        carried = job.carried
        if carried is not None:
            self._record = carried.record.model_copy()
            self._next_phase = carried.next_phase
            self._outputs = dict(carried.outputs)
            self._checkpoint = carried.checkpoint
        else:
            now = workflow.now()
            self._record = JobRecord(
                job_id=job.job_id,
                user_id=job.user_id,
                type=job.type,
                state=JobState.CREATED,
                phases=[phase.name for phase in job.phases],
                spec=job.spec,
                restarted_from=job.restarted_from,
                created_at=now,
                updated_at=now,
            )
            self._next_phase = 0
            self._outputs = {}
            self._checkpoint = None
        self._record.run_id = workflow.info().run_id
        self._interrupt: str | None = (
            _Interrupt.PAUSE if self._record.state is JobState.PAUSED else None
        )
        self._resume_requested = False
        self._published_progress = self._record.progress

    # ---- queries, updates, signals -------------------------------------------------------

    @workflow.query(name=QUERY_PROGRESS)
    def progress(self) -> JobRecord:
        return self._record

    @workflow.update(name=UPDATE_PAUSE)
    async def pause(self, request: ControlRequest) -> JobRecord:
        self._interrupt = _Interrupt.PAUSE
        await self._settle(
            lambda: self._record.state is JobState.PAUSED or self._record.state.is_terminal
        )
        return self._record

    @pause.validator
    def _validate_pause(self, request: ControlRequest) -> None:
        self._refuse_unless(JobAction.PAUSE)
        if self._interrupt == _Interrupt.PAUSE:
            raise _illegal(JobAction.PAUSE, "paused", "a pause is already under way")

    @workflow.update(name=UPDATE_RESUME)
    async def resume(self, request: ControlRequest) -> JobRecord:
        self._resume_requested = True
        await self._settle(lambda: self._record.state is not JobState.PAUSED)
        return self._record

    @resume.validator
    def _validate_resume(self, request: ControlRequest) -> None:
        if self._record.state is not JobState.PAUSED:
            raise _illegal(JobAction.RESUME, self._record.state)

    @workflow.update(name=UPDATE_CANCEL)
    async def cancel(self, request: ControlRequest) -> JobRecord:
        self._interrupt = _Interrupt.CANCEL
        await self._settle(lambda: self._record.state.is_terminal)
        return self._record

    @cancel.validator
    def _validate_cancel(self, request: ControlRequest) -> None:
        self._refuse_unless(JobAction.CANCEL)

    @workflow.signal(name=SIGNAL_REPORT_PROGRESS)
    def report_progress(self, report: ProgressReport) -> None:
        record = self._record
        if record.state is not JobState.RUNNING or report.phase != record.phase:
            return
        record.progress = max(record.progress, report.progress)
        record.step = report.step
        record.attempt = report.attempt
        if report.checkpoint is not None:
            record.checkpoint = report.checkpoint
        record.updated_at = workflow.now()
        if abs(record.progress - self._published_progress) >= 1.0:
            self._published_progress = record.progress
            workflow.upsert_search_attributes([SA_PROGRESS.value_set(record.progress)])
        self._show_details()

    # ---- the run ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, job: JobWorkflowInput) -> JobRecord:
        try:
            if job.carried is None:
                await self._publish(EventType.CREATED, {"spec": job.spec})
                self._show_details()
            elif self._record.state.is_terminal:
                # A failed job resumed from its checkpoint runs again from there.
                self._record.error = None
                self._record.finished_at = None
                await self._enter(JobState.RUNNING, EventType.RESUMED, {"from": "failure"})
            await self._run_phases()
        except asyncio.CancelledError:
            # Temporal's own cancellation (`temporal workflow cancel`, the UI's button).
            await self._finish(JobState.CANCELLED, EventType.CANCELLED, {"by": "temporal"})
            raise
        return self._record

    async def _run_phases(self) -> None:
        phases = self._job.phases
        while self._next_phase < len(phases):
            if self._interrupt == _Interrupt.CANCEL:
                await self._finish(JobState.CANCELLED, EventType.CANCELLED, {"by": "jobwire"})
                return
            if self._interrupt == _Interrupt.PAUSE:
                await self._pause_here()
                continue
            if self._record.state is not JobState.RUNNING:
                first = self._record.started_at is None
                self._record.started_at = self._record.started_at or workflow.now()
                await self._enter(
                    JobState.RUNNING, EventType.STARTED if first else EventType.RESUMED, {}
                )
            outcome = await self._run_phase(self._next_phase, phases[self._next_phase])
            if outcome is None:
                continue
            self._outputs[phases[self._next_phase].name] = outcome.output or {}
            self._next_phase += 1
            self._checkpoint = None
            self._record.checkpoint = None
            self._record.progress = self._phase_range(self._next_phase - 1)[1]
            self._record.updated_at = workflow.now()
            if self._next_phase < len(phases) and self._history_is_long():
                await self._continue_as_new()
        result = self._outputs.get(phases[-1].name, {})
        self._record.result = result
        self._record.step = "finished"
        await self._finish(JobState.COMPLETED, EventType.COMPLETED, {"result": result})

    async def _run_phase(self, index: int, phase: PlannedPhase) -> PhaseOutcome | None:
        """Runs one phase to its end; ``None`` when it was interrupted and must run again."""
        start, end = self._phase_range(index)
        record = self._record
        record.phase = phase.name
        record.step = phase.description or phase.name
        record.progress = max(record.progress, start)
        record.attempt = 1
        self._show_details()
        policy = self._job.policy
        handle = workflow.start_activity(
            phase.activity,
            PhaseInput(
                job_id=self._job.job_id,
                user_id=self._job.user_id,
                spec=self._job.spec,
                phase=phase.name,
                phase_index=index,
                phase_count=len(self._job.phases),
                progress_start=start,
                progress_end=end,
                previous=self._outputs,
                resume_from=self._checkpoint,
            ),
            result_type=PhaseOutcome,
            start_to_close_timeout=timedelta(seconds=policy.start_to_close_seconds),
            heartbeat_timeout=policy.heartbeat_timeout,
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=policy.retry_initial_interval_seconds),
                backoff_coefficient=policy.retry_backoff_coefficient,
                maximum_interval=timedelta(seconds=policy.retry_maximum_interval_seconds),
                maximum_attempts=policy.retry_maximum_attempts,
                non_retryable_error_types=["InvalidSpec", "PhaseContractError"],
            ),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            activity_id=f"{phase.name}-{workflow.info().run_id[:8]}-{index}",
            summary=f"{self._job.type} · {phase.name}",
        )
        interrupted = asyncio.ensure_future(
            workflow.wait_condition(lambda: self._interrupt is not None or self._history_is_long())
        )
        try:
            await workflow.wait([handle, interrupted], return_when=asyncio.FIRST_COMPLETED)
            if not handle.done():
                handle.cancel()
            outcome: PhaseOutcome = await handle
        except ActivityError as err:
            if not isinstance(err.cause, CancelledError):
                raise await self._fail(phase, err) from err
            # Cancelled before it could hand anything back: it runs again from the checkpoint
            # it started with.
            if self._interrupt is None and self._history_is_long():
                await self._continue_as_new()
            return None
        finally:
            interrupted.cancel()
            if not handle.done():
                handle.cancel()
        if outcome.status == "paused":
            if outcome.checkpoint is not None:
                self._checkpoint = outcome.checkpoint
                record.checkpoint = outcome.checkpoint.summary()
            if self._interrupt is None and self._history_is_long():
                await self._continue_as_new()
            return None
        return outcome

    async def _pause_here(self) -> None:
        if self._record.state is not JobState.PAUSED:
            self._record.paused_by = "jobwire"
            summary = self._record.checkpoint
            await self._enter(
                JobState.PAUSED,
                EventType.PAUSED,
                {
                    "paused_by": "jobwire",
                    "checkpoint": summary.model_dump(mode="json") if summary else None,
                },
            )
        self._resume_requested = False
        await workflow.wait_condition(
            lambda: (
                self._resume_requested
                or self._interrupt == _Interrupt.CANCEL
                or self._history_is_long()
            )
        )
        if self._interrupt == _Interrupt.CANCEL:
            return
        if not self._resume_requested:
            await self._continue_as_new()
        self._interrupt = None
        self._resume_requested = False
        self._record.paused_by = None
        await self._enter(
            JobState.RUNNING,
            EventType.RESUMED,
            {"from_checkpoint": self._record.checkpoint is not None},
        )

    async def _fail(self, phase: PlannedPhase, err: ActivityError) -> ApplicationError:
        """Ends the job as failed; the returned error fails the workflow, carrying what a
        resume from the checkpoint needs."""
        cause = err.cause
        error_type = type(cause).__name__ if cause else "ActivityError"
        message = str(cause or err)
        retryable = False
        if isinstance(cause, ApplicationError):
            error_type = cause.type or error_type
            message = cause.message
            retryable = not cause.non_retryable
            checkpoint = _checkpoint_in(cause.details)
            if checkpoint is not None:
                self._checkpoint = checkpoint
                self._record.checkpoint = checkpoint.summary()
        self._record.error = JobError(
            type=error_type, message=message, retryable=retryable, phase=phase.name
        )
        await self._finish(
            JobState.FAILED, EventType.FAILED, {"error": self._record.error.model_dump()}
        )
        return ApplicationError(
            f"{phase.name}: {message}",
            self._carried(),
            type=error_type,
            non_retryable=True,
        )

    # ---- transitions ----------------------------------------------------------------------

    async def _enter(self, state: JobState, kind: EventType, data: dict[str, Any]) -> None:
        record = self._record
        record.state = state
        record.allowed_actions = allowed_actions(state, has_checkpoint=self._checkpoint is not None)
        record.updated_at = workflow.now()
        workflow.upsert_search_attributes(
            [SA_STATE.value_set(state.value), SA_PROGRESS.value_set(record.progress)]
        )
        self._published_progress = record.progress
        self._show_details()
        await self._publish(kind, data)

    async def _finish(self, state: JobState, kind: EventType, data: dict[str, Any]) -> None:
        self._record.finished_at = workflow.now()
        if state is JobState.COMPLETED:
            self._record.progress = 100.0
        await self._enter(state, kind, data)

    async def _publish(self, kind: EventType, data: dict[str, Any]) -> None:
        """Sends a transition to the live feed; a feed that is down never fails the job."""
        record = self._record
        draft = EventDraft(
            job_id=record.job_id,
            user_id=record.user_id,
            type=kind,
            ts=workflow.now(),
            state=record.state,
            progress=record.progress,
            step=record.step,
            data=data,
        )
        try:
            await workflow.execute_local_activity(
                PUBLISH_ACTIVITY,
                draft,
                start_to_close_timeout=timedelta(seconds=5),
                retry_policy=RetryPolicy(maximum_attempts=2),
            )
        except ActivityError:
            workflow.logger.warning("could not publish %s", kind.value)

    async def _settle(self, done: Any) -> None:
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(done, timeout=CONTROL_WAIT)

    def _refuse_unless(self, action: JobAction) -> None:
        if not is_allowed(self._record.state, action, has_checkpoint=self._checkpoint is not None):
            raise _illegal(action, self._record.state)
        if self._interrupt == _Interrupt.CANCEL:
            raise _illegal(action, self._record.state, "a cancel is already under way")

    def _show_details(self) -> None:
        workflow.set_current_details(describe_for_ui(self._record))

    # ---- history ---------------------------------------------------------------------------

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._job.policy.history_event_limit
        )

    async def _continue_as_new(self) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self._job.model_copy(update={"carried": self._carried()}))

    def _carried(self) -> CarriedState:
        return CarriedState(
            record=self._record,
            next_phase=self._next_phase,
            outputs=self._outputs,
            checkpoint=self._checkpoint,
        )

    def _phase_range(self, index: int) -> tuple[float, float]:
        weights = [phase.weight for phase in self._job.phases]
        total = sum(weights)
        start = 100.0 * sum(weights[:index]) / total
        return start, start + 100.0 * weights[index] / total


def _illegal(
    action: JobAction, state: JobState | str, detail: str | None = None
) -> ApplicationError:
    current = state.value if isinstance(state, JobState) else state
    return ApplicationError(
        detail or f"cannot {action.value} a job that is {current}",
        {"state": current, "action": action.value},
        type="IllegalTransition",
        non_retryable=True,
    )


def _checkpoint_in(details: Any) -> Checkpoint | None:
    for item in details or ():
        try:
            return Checkpoint.model_validate(item)
        except ValueError:
            continue
    return None
