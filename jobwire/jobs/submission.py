"""Starting jobs: a new one from a spec, or the next run of one that carries on.

A job's workflow id is its job id; with an idempotency key that id is derived from the user
and the key, so a retried submission finds the job the first one started.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from jobwire.contract.events import utc_now
from jobwire.contract.forks import ForkStart, fork_memo
from jobwire.contract.job_settings import settings_for
from jobwire.contract.phases import CarriedState, PlannedPhase
from jobwire.contract.records import ControlNote, JobRecord
from jobwire.contract.registry import JobTypeDefinition, JobTypeRegistry
from jobwire.contract.specs import JobInput, WebhookSpec
from jobwire.contract.states import JobState, allowed_actions
from jobwire.contract.workflow_api import (
    SA_PROGRESS,
    SA_STATE,
    SA_TYPE,
    SA_USER_ID,
    WORKFLOW_NAME,
    JobWorkflowInput,
    idempotent_job_id,
    new_job_id,
)
from jobwire.jobs.labelling import label_attributes, static_summary
from jobwire.jobs.preferences import UserPreferencesStore
from jobwire.jobs.priorities import allowed_priority, spec_priority, temporal_priority
from jobwire.jobs.reading import JobReader
from jobwire.settings import Settings


class JobStarter:
    """Validates specs against the registry and starts their workflows."""

    def __init__(
        self, temporal: Client, settings: Settings, registry: JobTypeRegistry, reader: JobReader
    ) -> None:
        self.temporal = temporal
        self.settings = settings
        self.registry = registry
        self.reader = reader
        self.preferences = UserPreferencesStore(
            temporal, settings.task_queue, settings.worker_answer_wait_seconds
        )

    async def submit(
        self,
        user_id: str,
        spec: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        restarted_from: str | None = None,
        restart_note: ControlNote | None = None,
        fork: ForkStart | None = None,
        replacing_deleted: bool = False,
    ) -> tuple[JobRecord, bool]:
        """Starts a job; ``(record, created)``, where a repeated idempotency key finds the
        existing job and ``created`` is False. With ``replacing_deleted`` the key's job was
        deleted: what Temporal still has under its id is closed and about to go, so a new run
        starts under the id instead (Temporal deletes the old run alone)."""
        parsed = self.registry.parse_spec(spec)
        job_id = idempotent_job_id(user_id, idempotency_key) if idempotency_key else new_job_id()
        if idempotency_key and not replacing_deleted:
            existing = await self.submitted(user_id, idempotency_key)
            if existing is not None:
                return existing, False
        job = self.workflow_input(
            user_id,
            parsed,
            job_id,
            restarted_from=restarted_from,
            restart_note=restart_note,
            fork=fork,
            user_webhook=await self.user_webhook(user_id, parsed),
        )
        try:
            handle = await self.start(job, reuse_id=replacing_deleted)
        except WorkflowAlreadyStartedError:
            # Two requests with one idempotency key raced; the other one started it.
            return await self.reader.get(user_id, job_id), False
        return _initial_record(job, handle.result_run_id), True

    async def submitted(self, user_id: str, idempotency_key: str) -> JobRecord | None:
        """The job an earlier submission with this key started, if any: the API answers a
        repeat with it before the rate limit, which counts only jobs that start."""
        existing = await self.reader.find(user_id, idempotent_job_id(user_id, idempotency_key))
        return None if existing is None else await self.reader.record_of(existing)

    async def user_webhook(self, user_id: str, parsed: JobInput) -> WebhookSpec | None:
        """The user's own default webhook, read only for a spec that names none."""
        if parsed.webhook is not None:
            return None
        return (await self.preferences.read(user_id)).webhook

    def workflow_input(  # noqa: PLR0913 -- keyword-only, each where the job came from
        self,
        user_id: str,
        parsed: JobInput,
        job_id: str,
        *,
        restarted_from: str | None = None,
        restart_note: ControlNote | None = None,
        fork: ForkStart | None = None,
        schedule_id: str | None = None,
        user_webhook: WebhookSpec | None = None,
    ) -> JobWorkflowInput:
        """What the job's workflow starts with; a schedule's runs start with the same. A
        priority above what the user may ask is lowered to it, and the record says so."""
        definition = self._definition(parsed.type)
        priority = allowed_priority(self.settings, user_id, parsed.priority)
        parsed = parsed.model_copy(update={"priority": priority})
        return JobWorkflowInput(
            job_id=job_id,
            user_id=user_id,
            type=definition.name,
            spec=parsed.model_dump(mode="json"),
            phases=planned_phases(definition, parsed, self.settings),
            policy=self.settings.activity_policy(),
            description=definition.description,
            restarted_from=restarted_from,
            restart_note=restart_note,
            webhook=self.settings.webhook_plan(user_id, parsed.webhook, user_webhook),
            fork=fork,
            name=parsed.name,
            tags=list(parsed.tags),
            summary=definition.summary_of(parsed),
            schedule_id=schedule_id,
            running_cap=self.settings.running_cap(),
        )

    def _definition(self, type: str) -> JobTypeDefinition:
        """The parsed spec's type, which ``parse_spec`` has already checked is registered."""
        return next(d for d in self.registry.definitions() if d.name == type)

    async def start(
        self, job: JobWorkflowInput, *, carried: CarriedState | None = None, reuse_id: bool = False
    ) -> WorkflowHandle[Any, Any]:
        """A first run, or with ``carried`` the next run of a job under the same id; with
        ``reuse_id`` a first run under the id of a deleted job."""
        state = carried.record.state if carried else JobState.CREATED
        progress = carried.record.progress if carried else 0.0
        priority = spec_priority(job.spec)
        return await self.temporal.start_workflow(
            WORKFLOW_NAME,
            job.model_copy(update={"carried": carried}) if carried else job,
            id=job.job_id,
            task_queue=self.settings.task_queue,
            search_attributes=job_search_attributes(job, state, progress),
            memo=job_memo(job),
            priority=temporal_priority(self.settings, job.user_id, priority),
            id_reuse_policy=(
                WorkflowIDReusePolicy.ALLOW_DUPLICATE
                if carried or reuse_id
                else WorkflowIDReusePolicy.REJECT_DUPLICATE
            ),
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            static_summary=static_summary(job),
            static_details=static_details(job),
        )


def job_search_attributes(
    job: JobWorkflowInput, state: JobState = JobState.CREATED, progress: float = 0.0
) -> TypedSearchAttributes:
    """What makes a job listable: every start, submitted or scheduled, sets these."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(SA_USER_ID, job.user_id),
            SearchAttributePair(SA_TYPE, job.type),
            SearchAttributePair(SA_STATE, state.value),
            SearchAttributePair(SA_PROGRESS, progress),
            *label_attributes(job),
        ]
    )


def job_memo(job: JobWorkflowInput) -> dict[str, Any]:
    """What visibility's degraded view of a job reads back: its spec, phase names, what it
    was forked from, its summary and its priority (visibility keeps no priority)."""
    return {
        "spec": job.spec,
        "phases": [phase.name for phase in job.phases],
        **fork_memo(job.fork),
        "summary": job.summary,
        "priority": spec_priority(job.spec),
    }


def planned_phases(
    definition: JobTypeDefinition, spec: JobInput, settings: Settings
) -> list[PlannedPhase]:
    """The phases this spec runs (a fork checks it can start at one); a type that plans per
    spec reads its own settings here, so a spec the server cannot run is refused before any
    workflow exists."""
    type_settings = (
        settings_for(definition, settings.job_types) if definition.planner is not None else None
    )
    return [
        PlannedPhase(
            name=phase.name,
            activity=definition.activity_name(phase),
            weight=phase.weight,
            description=phase.description,
        )
        for phase in definition.phases_for(spec, type_settings)
    ]


def _initial_record(job: JobWorkflowInput, run_id: str | None) -> JobRecord:
    now = utc_now()
    return JobRecord(
        job_id=job.job_id,
        run_id=run_id,
        user_id=job.user_id,
        type=job.type,
        state=JobState.CREATED,
        phases=[phase.name for phase in job.phases],
        spec=job.spec,
        allowed_actions=allowed_actions(JobState.CREATED),
        restarted_from=job.restarted_from,
        last_control=job.restart_note,
        forked_from=job.fork.source if job.fork else None,
        created_at=now,
        updated_at=now,
        name=job.name,
        tags=job.tags,
        summary=job.summary,
        priority=spec_priority(job.spec),
    )


def static_details(job: JobWorkflowInput) -> str:
    """The Markdown Temporal's UI shows beside the workflow."""
    phases = " → ".join(phase.name for phase in job.phases)
    lines = [f"**{job.type}** job `{job.job_id}` for `{job.user_id}`", f"phases: {phases}"]
    if job.description:
        lines.append(job.description)
    if job.restarted_from:
        lines.append(f"restart of `{job.restarted_from}`")
    if job.fork:
        lines.append(f"fork of `{job.fork.source.job_id}` at `{job.fork.source.phase}`")
    if job.schedule_id:
        lines.append(f"run of schedule `{job.schedule_id}`")
    return "  \n".join(lines)
