"""What one run of ``JobWorkflow`` holds between its handlers: the record, the phase cursor, the
outputs and checkpoint so far, and the control it has been asked for.

Kept apart from the workflow class so the phase runner, the transitions and the controls all
read and change one object instead of reaching into the class.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.forks import ForkStart
    from jobwire.contract.phases import CarriedState, Checkpoint
    from jobwire.contract.priority import DEFAULT_PRIORITY
    from jobwire.contract.progress import phase_range
    from jobwire.contract.records import JobRecord
    from jobwire.contract.states import JobState
    from jobwire.contract.workflow_api import JobWorkflowInput


class Interrupt:
    """A control the run has been asked for and has not carried out yet."""

    PAUSE = "pause"
    CANCEL = "cancel"


class JobRun:
    """The job's state in this run; a continued or resumed run starts from what it carried."""

    def __init__(self, job: JobWorkflowInput) -> None:
        self.job = job = scheduled_run(job)
        carried = job.carried
        if carried is not None:
            self.record = carried.record.model_copy()
            self.next_phase = carried.next_phase
            self.outputs: dict[str, Any] = dict(carried.outputs)
            self.checkpoint: Checkpoint | None = carried.checkpoint
        else:
            self.record = _new_record(job)
            self.next_phase = 0
            self.outputs = {}
            self.checkpoint = None
            if job.fork is not None:
                self._start_at(job.fork)
        self.record.run_id = workflow.info().run_id
        self.interrupt: str | None = (
            Interrupt.PAUSE if self.record.state is JobState.PAUSED else None
        )
        self.resume_requested = False
        self.published_progress = self.record.progress
        self.webhook_deliveries: list[asyncio.Future[None]] = []
        self.webhook_activities: list[workflow.ActivityHandle[Any]] = []
        self.webhooks_on = False

    def _start_at(self, fork: ForkStart) -> None:
        """A forked job begins at its fork's phase with the source's outputs of the phases
        before it, and inside it from the source's checkpoint when the fork brought one."""
        names = [phase.name for phase in self.job.phases]
        self.next_phase = names.index(fork.source.phase)
        self.outputs = dict(fork.outputs)
        self.checkpoint = fork.checkpoint
        self.record.checkpoint = fork.checkpoint.summary() if fork.checkpoint else None
        self.record.progress = self.phase_range(self.next_phase)[0]

    def carried(self) -> CarriedState:
        """What a new run (continue-as-new, or a resume after failure) needs to go on."""
        return CarriedState(
            record=self.record,
            next_phase=self.next_phase,
            outputs=self.outputs,
            checkpoint=self.checkpoint,
        )

    def phase_range(self, index: int) -> tuple[float, float]:
        """The slice of 0-100 % that phase ``index`` covers, by the phases' weights."""
        return phase_range([phase.weight for phase in self.job.phases], index)

    def history_is_long(self) -> bool:
        """Whether the run should hand over to a fresh one before its history grows further."""
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self.job.policy.history_event_limit
        )

    async def continue_as_new(self) -> None:
        """Hands over once no Update is still being answered and no webhook delivery is still
        under way (a run's activities end with it), so none is lost on the way."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self.webhook_deliveries:
            await asyncio.gather(*self.webhook_deliveries)
        workflow.continue_as_new(self.job.model_copy(update={"carried": self.carried()}))

    async def continue_if_long(self) -> None:
        """Hands over between attempts when nobody is waiting on a pause or cancel."""
        if self.interrupt is None and self.history_is_long():
            await self.continue_as_new()


def scheduled_run(job: JobWorkflowInput) -> JobWorkflowInput:
    """A scheduled run's input names its schedule's base id; the job is this run, whose
    workflow id Temporal suffixed with its time. Submitted jobs are left as they are, so their
    histories replay unchanged."""
    workflow_id = workflow.info().workflow_id
    if job.schedule_id is None or job.job_id == workflow_id:
        return job
    return job.model_copy(update={"job_id": workflow_id})


def _new_record(job: JobWorkflowInput) -> JobRecord:
    now = workflow.now()
    return JobRecord(
        job_id=job.job_id,
        user_id=job.user_id,
        type=job.type,
        state=JobState.CREATED,
        phases=[phase.name for phase in job.phases],
        phase_weights=[phase.weight for phase in job.phases],
        spec=job.spec,
        restarted_from=job.restarted_from,
        last_control=job.restart_note,
        forked_from=job.fork.source if job.fork else None,
        created_at=now,
        updated_at=now,
        name=job.name,
        tags=job.tags,
        summary=job.summary,
        schedule_id=job.schedule_id,
        priority=job.spec.get("priority", DEFAULT_PRIORITY),
    )
