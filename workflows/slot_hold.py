"""A job's side of its user's running cap: ask for a slot, wait for it, give it back at the end.

The job stays ``created`` while it waits, its step saying how many of the user's jobs run. A
cancel while waiting ends the wait (the phases loop then cancels the job) and takes the job out
of the queue. A run that continues as new keeps its slot; any other end of the run gives it
back, including a failure (a resumed failed job asks again).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import FailureError

from workflows.run_state import Interrupt, JobRun
from workflows.transitions import publish

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventType
    from jobwire.contract.slots import (
        REQUEST_SLOT_ACTIVITY,
        SIGNAL_RELEASE,
        SLOTS_PATCH,
        SlotQueued,
        SlotRequest,
        slots_workflow_id,
    )


class SlotHold:
    """What the user's slots workflow has told this run so far."""

    def __init__(self) -> None:
        self.granted = False
        self.queued: SlotQueued | None = None
        self.notices = 0

    def queue(self, queued: SlotQueued) -> None:
        self.queued = queued
        self.notices += 1


@asynccontextmanager
async def running_slot(job_run: JobRun, hold: SlotHold) -> AsyncIterator[None]:
    """Runs the body holding one of the user's slots, when the job was started with a cap."""
    cap = job_run.job.running_cap
    if cap is None or not workflow.patched(SLOTS_PATCH):
        yield
        return
    carried = job_run.job.carried
    try:
        if carried is None or carried.record.state.is_terminal:
            await _wait_for_slot(job_run, hold)
        yield
    except workflow.ContinueAsNewError:
        raise
    except BaseException:
        await _give_back(job_run)
        raise
    await _give_back(job_run)


async def _wait_for_slot(job_run: JobRun, hold: SlotHold) -> None:
    cap = job_run.job.running_cap
    assert cap is not None
    request = SlotRequest(
        job_id=job_run.record.job_id,
        user_id=job_run.record.user_id,
        cap=cap.limit,
        check_seconds=cap.check_seconds,
    )
    await workflow.execute_activity(
        REQUEST_SLOT_ACTIVITY,
        request,
        start_to_close_timeout=timedelta(seconds=30),
        retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=10), maximum_attempts=20),
    )
    record = job_run.record
    shown = 0
    while not hold.granted and job_run.interrupt != Interrupt.CANCEL:
        await workflow.wait_condition(
            lambda seen=shown: (  # type: ignore[misc]
                hold.granted or job_run.interrupt == Interrupt.CANCEL or hold.notices > seen
            )
        )
        if not hold.granted and hold.queued is not None and hold.notices > shown:
            shown = hold.notices
            record.step = hold.queued.step()
            record.updated_at = workflow.now()
            await publish(record, EventType.LOG, {"message": record.step, "level": "info"})
    if hold.granted and shown:
        record.step = ""


async def _give_back(job_run: JobRun) -> None:
    """Frees the slot (or the place in the queue); the slots workflow also finds ended jobs
    on its own, so a failure here is logged and costs the user a slot for a while at most."""
    handle = workflow.get_external_workflow_handle(slots_workflow_id(job_run.record.user_id))
    try:
        await handle.signal(SIGNAL_RELEASE, job_run.record.job_id)
    except FailureError:
        workflow.logger.warning("could not give back the slot of %s", job_run.record.job_id)
