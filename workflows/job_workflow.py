"""JobWorkflow: every job type runs as this one workflow, a sequence of phase activities.

The workflow owns the job's state machine. Controls arrive as Updates whose validators refuse
illegal transitions with the current state; progress arrives as throttled signals from the
running phase; every transition is published to the live feed through a local activity and
mirrored into search attributes and the Temporal UI's details. The workflow never does I/O.

This module holds the class Temporal sees: its handlers and its run. The state it keeps is in
``run_state``, the phases in ``sequence`` and ``phase_runner``, the rules for controls in
``controls``, state changes in ``transitions`` and their mirrors in ``upkeep``.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow

from workflows.controls import (
    audit_data,
    note_control,
    refuse_pause,
    refuse_resume,
    refuse_unless,
    settle,
)
from workflows.forking import announce_reused
from workflows.run_state import Interrupt, JobRun
from workflows.sequence import run_phases
from workflows.slot_hold import SlotHold, running_slot
from workflows.transitions import created_data, enter, finish, publish
from workflows.upkeep import show_details, take_progress
from workflows.webhooks import notify, stop_deliveries, switch_on

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventType
    from jobwire.contract.phases import ProgressReport
    from jobwire.contract.records import JobRecord
    from jobwire.contract.slots import SIGNAL_SLOT_GRANTED, SIGNAL_SLOT_QUEUED, SlotQueued
    from jobwire.contract.states import JobAction, JobState
    from jobwire.contract.workflow_api import (
        QUERY_PROGRESS,
        SIGNAL_REPORT_PROGRESS,
        SIGNAL_STOP_DELIVERIES,
        UPDATE_CANCEL,
        UPDATE_PAUSE,
        UPDATE_RESUME,
        ControlRequest,
        JobWorkflowInput,
    )


@workflow.defn(name="JobWorkflow")
class JobWorkflow:
    @workflow.init
    def __init__(self, job: JobWorkflowInput) -> None:
        self._job_run = JobRun(job)
        self._slot = SlotHold()

    # ---- queries, updates, signals -------------------------------------------------------

    @workflow.query(name=QUERY_PROGRESS)
    def progress(self, include_spec: bool = True) -> JobRecord:
        """The record; without its spec when asked, so a reader that only shows progress
        (a socket's subscribe) does not carry a megabyte spec through Temporal and back."""
        record = self._job_run.record
        return record if include_spec else record.model_copy(update={"spec": {}})

    @workflow.update(name=UPDATE_PAUSE)
    async def pause(self, request: ControlRequest) -> JobRecord:
        record = self._job_run.record
        note_control(self._job_run, JobAction.PAUSE, request)
        self._job_run.interrupt = Interrupt.PAUSE
        await settle(lambda: record.state is JobState.PAUSED or record.state.is_terminal)
        return record

    @pause.validator
    def _validate_pause(self, request: ControlRequest) -> None:
        refuse_pause(self._job_run)

    @workflow.update(name=UPDATE_RESUME)
    async def resume(self, request: ControlRequest) -> JobRecord:
        record = self._job_run.record
        note_control(self._job_run, JobAction.RESUME, request)
        self._job_run.resume_requested = True
        await settle(lambda: record.state is not JobState.PAUSED)
        return record

    @resume.validator
    def _validate_resume(self, request: ControlRequest) -> None:
        refuse_resume(self._job_run)

    @workflow.update(name=UPDATE_CANCEL)
    async def cancel(self, request: ControlRequest) -> JobRecord:
        record = self._job_run.record
        note_control(self._job_run, JobAction.CANCEL, request)
        self._job_run.interrupt = Interrupt.CANCEL
        await settle(lambda: record.state.is_terminal)
        return record

    @cancel.validator
    def _validate_cancel(self, request: ControlRequest) -> None:
        refuse_unless(self._job_run, JobAction.CANCEL)

    @workflow.signal(name=SIGNAL_REPORT_PROGRESS)
    def report_progress(self, report: ProgressReport) -> None:
        take_progress(self._job_run, report)

    @workflow.signal(name=SIGNAL_STOP_DELIVERIES)
    def stop_deliveries(self) -> None:
        stop_deliveries(self._job_run)

    @workflow.signal(name=SIGNAL_SLOT_GRANTED)
    def slot_granted(self) -> None:
        self._slot.granted = True

    @workflow.signal(name=SIGNAL_SLOT_QUEUED)
    def slot_queued(self, queued: SlotQueued) -> None:
        self._slot.queue(queued)

    # ---- the run ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, job: JobWorkflowInput) -> JobRecord:
        job_run = self._job_run
        switch_on(job_run)
        try:
            if job.carried is None:
                created = await publish(job_run.record, EventType.CREATED, created_data(job))
                await notify(job_run, EventType.CREATED, created, publish)
                show_details(job_run.record)
                await announce_reused(job_run)
            elif job_run.record.state.is_terminal:
                # A failed job resumed from its checkpoint runs again from there.
                job_run.record.error = None
                job_run.record.finished_at = None
                audit = audit_data(job_run, JobAction.RESUME)
                await enter(
                    job_run, JobState.RUNNING, EventType.RESUMED, {"from": "failure", **audit}
                )
            async with running_slot(job_run, self._slot):
                await run_phases(job_run)
        except asyncio.CancelledError:
            # Temporal's own cancellation (`temporal workflow cancel`, the UI's button).
            await finish(job_run, JobState.CANCELLED, EventType.CANCELLED, {"by": "temporal"})
            raise
        return job_run.record
