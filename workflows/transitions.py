"""Moving a job from one state to the next: the record, its mirrors, and the live event.

Every transition is published through a local activity, because the workflow itself never does
I/O; a feed that is down is logged and never fails the job.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from workflows.run_state import JobRun
from workflows.upkeep import mirror_state
from workflows.webhooks import notify

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventDraft, EventType
    from jobwire.contract.records import JobRecord
    from jobwire.contract.states import JobState, allowed_actions
    from jobwire.contract.workflow_api import PUBLISH_ACTIVITY, JobWorkflowInput


def created_data(job: JobWorkflowInput) -> dict[str, Any]:
    """The spec, what the job is called (only when it has a name, tags or summary: a job
    started before these existed replays with the data it published), for a restart who
    restarted which job and why, and for a fork where from."""
    data: dict[str, Any] = {"spec": job.spec}
    labels = {"name": job.name, "tags": job.tags, "summary": job.summary}
    data.update({key: value for key, value in labels.items() if value})
    note = job.restart_note
    if job.restarted_from is not None and note is not None:
        data.update(restarted_from=job.restarted_from, by=note.by, reason=note.reason)
    if job.fork is not None:
        data["forked_from"] = job.fork.source.model_dump()
    return data


async def enter(job_run: JobRun, state: JobState, kind: EventType, data: dict[str, Any]) -> None:
    record = job_run.record
    record.state = state
    record.allowed_actions = allowed_actions(state, has_checkpoint=job_run.checkpoint is not None)
    record.updated_at = workflow.now()
    mirror_state(job_run)
    await notify(job_run, kind, await publish(record, kind, data), publish)


async def finish(job_run: JobRun, state: JobState, kind: EventType, data: dict[str, Any]) -> None:
    """Enters a final state; a completed job shows 100 % whatever its last report said."""
    job_run.record.finished_at = workflow.now()
    if state is JobState.COMPLETED:
        job_run.record.progress = 100.0
    await enter(job_run, state, kind, data)


async def publish(record: JobRecord, kind: EventType, data: dict[str, Any]) -> dict[str, Any]:
    """Sends a transition to the live feed, with the record (spec left out: the projection
    has it from ``job.created``) for the job's projection; a feed that is down never fails the
    job. Returns the event as sent: numbered, or unnumbered when the feed was down."""
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
        sent = await workflow.execute_local_activity(
            PUBLISH_ACTIVITY,
            args=[draft, record.model_copy(update={"spec": {}})],
            start_to_close_timeout=timedelta(seconds=5),
            retry_policy=RetryPolicy(maximum_attempts=2),
        )
    except ActivityError:
        workflow.logger.warning("could not publish %s", kind.value)
        sent = None
    return sent if isinstance(sent, dict) else draft.model_dump(mode="json")
