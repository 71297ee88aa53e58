"""What a job's latest run finished, read from its durable history in Temporal.

A fork reuses a source job's phase outputs, so they must be the ones the source really
produced: each phase's result lands in history when its activity completes, and a run that
continued as new, or a failed job resumed, carries the earlier runs' outputs in its input.
Checkpoints come from the same history: a phase handed back on a pause or cancel, a failed
attempt's details, a timed-out attempt's last heartbeat, and what a failed run handed on.
The Redis projection holds none of this, and is never asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowExecutionDescription
from temporalio.converter import DataConverter

from jobwire.contract.phases import CarriedState, Checkpoint, FailureDetails, PhaseOutcome
from jobwire.contract.workflow_api import JobWorkflowInput
from jobwire.errors import JobNotFound


@dataclass
class SourceWork:
    """The source's input, each finished phase's output, and the last checkpoint seen inside
    each phase, by phase name."""

    job: JobWorkflowInput
    outputs: dict[str, Any] = field(default_factory=dict)
    checkpoints: dict[str, Checkpoint] = field(default_factory=dict)


async def source_work(temporal: Client, description: WorkflowExecutionDescription) -> SourceWork:
    """Walks the latest run's history once, in order, so a later checkpoint replaces an
    earlier one."""
    handle = temporal.get_workflow_handle(description.id, run_id=description.run_id)
    walk = _Walk(temporal.data_converter)
    async for event in handle.fetch_history_events():
        await walk.take(event)
    if walk.work is None:
        raise JobNotFound(description.id)
    return walk.work


class _Walk:
    def __init__(self, converter: DataConverter) -> None:
        self.converter = converter
        self.work: SourceWork | None = None
        self.phase_of_activity: dict[str, str] = {}
        self.scheduled: dict[int, str] = {}
        """Scheduled event id → the phase its activity runs."""

    async def take(self, event: HistoryEvent) -> None:
        kind = event.WhichOneof("attributes")
        if kind == "workflow_execution_started_event_attributes":
            started = event.workflow_execution_started_event_attributes
            job = (await self.converter.decode(started.input.payloads, [JobWorkflowInput]))[0]
            self.work = _started(job)
            self.phase_of_activity = {phase.activity: phase.name for phase in job.phases}
        elif kind == "activity_task_scheduled_event_attributes":
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            if name in self.phase_of_activity:
                self.scheduled[event.event_id] = self.phase_of_activity[name]
        elif kind == "activity_task_completed_event_attributes":
            completed = event.activity_task_completed_event_attributes
            phase = self.scheduled.get(completed.scheduled_event_id)
            if phase is not None:
                await self._completed(phase, completed.result.payloads)
        elif kind == "activity_task_failed_event_attributes":
            failed = event.activity_task_failed_event_attributes
            await self._failed(failed.scheduled_event_id, failed.failure)
        elif kind == "activity_task_timed_out_event_attributes":
            timed_out = event.activity_task_timed_out_event_attributes
            await self._failed(timed_out.scheduled_event_id, timed_out.failure)
        elif kind == "workflow_execution_failed_event_attributes":
            await self._run_failed(event.workflow_execution_failed_event_attributes.failure)

    async def _completed(self, phase: str, payloads: Sequence[Payload]) -> None:
        if self.work is None:
            return
        outcome = (await self.converter.decode(payloads, [PhaseOutcome]))[0]
        if outcome.status == "completed":
            self.work.outputs[phase] = outcome.output or {}
        elif outcome.checkpoint is not None:
            self.work.checkpoints[phase] = outcome.checkpoint

    async def _failed(self, scheduled_event_id: int, failure: Failure) -> None:
        phase = self.scheduled.get(scheduled_event_id)
        if phase is None or self.work is None:
            return
        for item in await self._details(failure):
            checkpoint = _checkpoint_in(item)
            if checkpoint is not None and checkpoint.phase == phase:
                self.work.checkpoints[phase] = checkpoint

    async def _run_failed(self, failure: Failure) -> None:
        """A failed run hands on its outputs and checkpoint (``CarriedState``)."""
        if self.work is None or not failure.application_failure_info.details.payloads:
            return
        raw = await self.converter.decode(failure.application_failure_info.details.payloads)
        try:
            carried = CarriedState.model_validate(raw[0])
        except ValueError:
            return
        self.work.outputs.update(carried.outputs)
        if carried.checkpoint is not None:
            self.work.checkpoints[carried.checkpoint.phase] = carried.checkpoint

    async def _details(self, failure: Failure) -> list[Any]:
        """The values an attempt's failure carries: an application error's details, or a
        timeout's last heartbeat (on the failure or its cause)."""
        found: list[Any] = []
        for part in (failure, failure.cause):
            for payloads in (
                part.application_failure_info.details.payloads,
                part.timeout_failure_info.last_heartbeat_details.payloads,
            ):
                if payloads:
                    found.extend(await self.converter.decode(payloads))
        return found


def _started(job: JobWorkflowInput) -> SourceWork:
    """What the run started with: a fork's reused outputs, then what earlier runs carried."""
    work = SourceWork(job=job)
    if job.fork is not None:
        work.outputs.update(job.fork.outputs)
        if job.fork.checkpoint is not None:
            work.checkpoints[job.fork.checkpoint.phase] = job.fork.checkpoint
    if job.carried is not None:
        work.outputs.update(job.carried.outputs)
        if job.carried.checkpoint is not None:
            work.checkpoints[job.carried.checkpoint.phase] = job.carried.checkpoint
    return work


def _checkpoint_in(item: Any) -> Checkpoint | None:
    """A failed attempt's checkpoint: in ``FailureDetails``, or bare in older histories."""
    for model in (FailureDetails, Checkpoint):
        try:
            parsed = model.model_validate(item)
        except ValueError:
            continue
        return parsed.checkpoint if isinstance(parsed, FailureDetails) else parsed
    return None
