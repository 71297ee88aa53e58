"""What one run of ``JobWorkflow`` holds between its handlers: the record, the phase cursor, the
outputs and checkpoint so far, and the control it has been asked for.

Kept apart from the workflow class so the phase runner, the transitions and the controls all
read and change one object instead of reaching into the class.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
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
        self.job = job
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
        self.record.run_id = workflow.info().run_id
        self.interrupt: str | None = (
            Interrupt.PAUSE if self.record.state is JobState.PAUSED else None
        )
        self.resume_requested = False
        self.published_progress = self.record.progress

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
        """Hands over once no Update is still being answered, so none is lost on the way."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(self.job.model_copy(update={"carried": self.carried()}))

    async def continue_if_long(self) -> None:
        """Hands over between attempts when nobody is waiting on a pause or cancel."""
        if self.interrupt is None and self.history_is_long():
            await self.continue_as_new()


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
        created_at=now,
        updated_at=now,
        priority=job.spec.get("priority", DEFAULT_PRIORITY),
    )
