"""Running one phase: its activity, the race with a pause or cancel, and what comes back.

A phase that is interrupted hands back its checkpoint (or nothing, if it had none yet) and runs
again later from there; a phase that fails ends the job, carrying what a resume needs.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    CancelledError,
    RetryState,
)
from temporalio.exceptions import (
    TimeoutError as ActivityTimeout,
)

from workflows.run_state import JobRun
from workflows.transitions import finish
from workflows.upkeep import show_details

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventType
    from jobwire.contract.phases import (
        ActivityPolicy,
        Checkpoint,
        FailureDetails,
        PhaseInput,
        PhaseOutcome,
        PlannedPhase,
    )
    from jobwire.contract.records import JobError
    from jobwire.contract.states import JobState


async def run_phase(job_run: JobRun, index: int, phase: PlannedPhase) -> PhaseOutcome | None:
    """Runs one phase to its end; ``None`` when it was interrupted and must run again."""
    start, end = job_run.phase_range(index)
    record = job_run.record
    record.phase = phase.name
    record.step = phase.description or phase.name
    record.progress = max(record.progress, start)
    record.attempt = 1
    show_details(record)
    handle = _start(job_run, index, phase, start, end)
    interrupted = asyncio.ensure_future(
        workflow.wait_condition(lambda: job_run.interrupt is not None or job_run.history_is_long())
    )
    try:
        await workflow.wait([handle, interrupted], return_when=asyncio.FIRST_COMPLETED)
        if not handle.done():
            handle.cancel()
        outcome: PhaseOutcome = await handle
    except ActivityError as err:
        if not isinstance(err.cause, CancelledError):
            raise await fail(job_run, phase, err) from err
        # Cancelled before it could hand anything back: it runs again from the checkpoint
        # it started with.
        await job_run.continue_if_long()
        return None
    finally:
        interrupted.cancel()
        if not handle.done():
            handle.cancel()
    if outcome.status == "paused":
        if outcome.checkpoint is not None:
            job_run.checkpoint = outcome.checkpoint
            record.checkpoint = outcome.checkpoint.summary()
        await job_run.continue_if_long()
        return None
    return outcome


def _start(
    job_run: JobRun, index: int, phase: PlannedPhase, start: float, end: float
) -> workflow.ActivityHandle[PhaseOutcome]:
    """Schedules the phase's activity with the job's policy; cancelling it waits for the
    activity to hand back its checkpoint."""
    job = job_run.job
    policy = job.policy
    return workflow.start_activity(
        phase.activity,
        PhaseInput(
            job_id=job.job_id,
            user_id=job.user_id,
            spec=job.spec,
            phase=phase.name,
            phase_index=index,
            phase_count=len(job.phases),
            progress_start=start,
            progress_end=end,
            previous=job_run.outputs,
            resume_from=job_run.checkpoint,
            retry=policy if policy.retry_after_timeout_seconds is not None else None,
        ),
        result_type=PhaseOutcome,
        start_to_close_timeout=timedelta(seconds=policy.start_to_close_seconds),
        heartbeat_timeout=policy.heartbeat_timeout,
        retry_policy=_retry_policy(policy),
        cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        activity_id=f"{phase.name}-{workflow.info().run_id[:8]}-{index}",
        summary=f"{job.type} · {phase.name}",
        # Inherited anyway; named so a pending phase shows its job's priority and user.
        priority=workflow.info().priority,
    )


def _retry_policy(policy: ActivityPolicy) -> RetryPolicy:
    """A dead worker's attempt times out and is retried after ``retry_after_timeout_seconds``
    without backing off (the next worker is not the one that died); failed attempts ask
    for their own, growing, delay (``PhaseInput.retry``). Jobs from before keep one backoff."""
    fixed = policy.retry_after_timeout_seconds
    return RetryPolicy(
        initial_interval=timedelta(seconds=fixed or policy.retry_initial_interval_seconds),
        backoff_coefficient=1.0 if fixed else policy.retry_backoff_coefficient,
        maximum_interval=timedelta(seconds=fixed or policy.retry_maximum_interval_seconds),
        maximum_attempts=policy.retry_maximum_attempts,
        non_retryable_error_types=["InvalidSpec", "PhaseContractError"],
    )


async def fail(job_run: JobRun, phase: PlannedPhase, err: ActivityError) -> ApplicationError:
    """Ends the job as failed, saying why and after how many attempts; the returned error
    fails the workflow, carrying what a resume from the checkpoint needs."""
    cause = err.cause
    error_type = type(cause).__name__ if cause else "ActivityError"
    message = str(cause or err)
    retryable = False
    found = _found_in(cause)
    if isinstance(cause, ApplicationError):
        error_type = cause.type or error_type
        message = cause.message
        retryable = not cause.non_retryable
    if found.checkpoint is not None:
        job_run.checkpoint = found.checkpoint
        job_run.record.checkpoint = found.checkpoint.summary()
    error = JobError(
        type=error_type,
        message=message,
        retryable=retryable,
        phase=phase.name,
        attempts=_attempts(job_run, err, found.attempt),
    )
    job_run.record.error = error
    await finish(job_run, JobState.FAILED, EventType.FAILED, {"error": error.model_dump()})
    return ApplicationError(
        f"{phase.name}: {message}",
        job_run.carried(),
        type=error_type,
        non_retryable=True,
    )


def _found_in(cause: BaseException | None) -> FailureDetails:
    """The attempt and checkpoint a failure carries: in an ``ApplicationError``'s details
    (``FailureDetails``; a bare ``Checkpoint`` in histories from before it), or as a timed
    out attempt's last heartbeat."""
    if isinstance(cause, ApplicationError):
        items: Any = cause.details
    elif isinstance(cause, ActivityTimeout):
        items = cause.last_heartbeat_details
    else:
        items = ()
    for item in items or ():
        for model in (FailureDetails, Checkpoint):
            try:
                parsed = model.model_validate(item)
            except ValueError:
                continue
            if isinstance(parsed, FailureDetails):
                return parsed
            return FailureDetails(attempt=1, checkpoint=parsed)
    return FailureDetails(attempt=1)


def _attempts(job_run: JobRun, err: ActivityError, reported: int) -> int:
    """How many attempts the phase had: what its last attempt said, else what the retry
    state and the progress reports tell."""
    attempts = max(reported, job_run.record.attempt)
    limit = job_run.job.policy.retry_maximum_attempts
    if err.retry_state is RetryState.MAXIMUM_ATTEMPTS_REACHED and limit:
        attempts = max(attempts, limit)
    return attempts
