"""The rules for pause, resume and cancel: what an Update validator refuses, and how long an
accepted control waits to answer.

A refusal is a non-retryable ``IllegalTransition`` carrying the current state, which the API
turns into HTTP 409: an illegal control is never a silent no-op.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.run_state import Interrupt, JobRun

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.records import ControlNote
    from jobwire.contract.states import JobAction, JobState, is_allowed
    from jobwire.contract.workflow_api import ControlRequest

CONTROL_WAIT = timedelta(seconds=10)
"""How long a pause or cancel Update waits for the running phase to hand back its checkpoint
before answering with the state as it then is."""


async def settle(done: Callable[[], bool]) -> None:
    """Waits for a control to take effect, at most ``CONTROL_WAIT``; the caller answers anyway."""
    with contextlib.suppress(TimeoutError):
        await workflow.wait_condition(done, timeout=CONTROL_WAIT)


def note_control(job_run: JobRun, action: JobAction, request: ControlRequest) -> None:
    """Keeps who asked and why on the record, for its events and ``jobwire show``."""
    job_run.record.last_control = ControlNote(
        action=action, by=request.by, reason=request.reason, at=workflow.now()
    )


def audit_data(job_run: JobRun, action: JobAction) -> dict[str, Any]:
    """``by`` and ``reason`` for the event that carries out ``action``: who sent the control
    (``jobwire`` when it came from no user) and why."""
    note = job_run.record.last_control
    if note is None or note.action is not action:
        return {"by": "jobwire", "reason": None}
    return {"by": note.by or "jobwire", "reason": note.reason}


def refuse_pause(job_run: JobRun) -> None:
    refuse_unless(job_run, JobAction.PAUSE)
    if job_run.interrupt == Interrupt.PAUSE:
        raise illegal(JobAction.PAUSE, "paused", "a pause is already under way")


def refuse_resume(job_run: JobRun) -> None:
    if job_run.record.state is not JobState.PAUSED:
        raise illegal(JobAction.RESUME, job_run.record.state)


def refuse_unless(job_run: JobRun, action: JobAction) -> None:
    state = job_run.record.state
    if not is_allowed(state, action, has_checkpoint=job_run.checkpoint is not None):
        raise illegal(action, state)
    if job_run.interrupt == Interrupt.CANCEL:
        raise illegal(action, state, "a cancel is already under way")


def illegal(
    action: JobAction, state: JobState | str, detail: str | None = None
) -> ApplicationError:
    current = state.value if isinstance(state, JobState) else state
    return ApplicationError(
        detail or f"cannot {action.value} a job that is {current}",
        {"state": current, "action": action.value},
        type="IllegalTransition",
        non_retryable=True,
    )
