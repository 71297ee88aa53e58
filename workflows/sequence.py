"""The job's phases in order, with the pauses and cancels that fall between them.

Controls are carried out only at a phase boundary: the running phase is asked to stop and hand
back its checkpoint, and this loop decides what comes next.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.controls import audit_data
from workflows.phase_runner import run_phase
from workflows.run_state import Interrupt, JobRun
from workflows.transitions import enter, finish

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventType
    from jobwire.contract.states import JobAction, JobState


async def run_phases(job_run: JobRun) -> None:
    phases = job_run.job.phases
    record = job_run.record
    while job_run.next_phase < len(phases):
        if job_run.interrupt == Interrupt.CANCEL:
            await finish(
                job_run,
                JobState.CANCELLED,
                EventType.CANCELLED,
                audit_data(job_run, JobAction.CANCEL),
            )
            return
        if job_run.interrupt == Interrupt.PAUSE:
            await _pause_here(job_run)
            continue
        if record.state is not JobState.RUNNING:
            first = record.started_at is None
            record.started_at = record.started_at or workflow.now()
            kind = EventType.STARTED if first else EventType.RESUMED
            await enter(job_run, JobState.RUNNING, kind, {})
        outcome = await run_phase(job_run, job_run.next_phase, phases[job_run.next_phase])
        if outcome is None:
            continue
        job_run.outputs[phases[job_run.next_phase].name] = outcome.output or {}
        job_run.next_phase += 1
        job_run.checkpoint = None
        record.checkpoint = None
        record.progress = job_run.phase_range(job_run.next_phase - 1)[1]
        record.updated_at = workflow.now()
        if job_run.next_phase < len(phases) and job_run.history_is_long():
            await job_run.continue_as_new()
    result = job_run.outputs.get(phases[-1].name, {})
    record.result = result
    record.step = "finished"
    await finish(job_run, JobState.COMPLETED, EventType.COMPLETED, {"result": result})


async def _pause_here(job_run: JobRun) -> None:
    """Publishes the pause (once), then waits for a resume, a cancel or a long history."""
    record = job_run.record
    if record.state is not JobState.PAUSED:
        record.paused_by = "jobwire"
        summary = record.checkpoint
        await enter(
            job_run,
            JobState.PAUSED,
            EventType.PAUSED,
            {
                "paused_by": "jobwire",
                **audit_data(job_run, JobAction.PAUSE),
                "checkpoint": summary.model_dump(mode="json") if summary else None,
            },
        )
    job_run.resume_requested = False
    await workflow.wait_condition(
        lambda: (
            job_run.resume_requested
            or job_run.interrupt == Interrupt.CANCEL
            or job_run.history_is_long()
        )
    )
    if job_run.interrupt == Interrupt.CANCEL:
        return
    if not job_run.resume_requested:
        await job_run.continue_as_new()
    job_run.interrupt = None
    job_run.resume_requested = False
    record.paused_by = None
    await enter(
        job_run,
        JobState.RUNNING,
        EventType.RESUMED,
        {"from_checkpoint": record.checkpoint is not None, **audit_data(job_run, JobAction.RESUME)},
    )
