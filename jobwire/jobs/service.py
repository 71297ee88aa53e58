"""Every operation on jobs, with Temporal as the only store; the API, the bridge and tools call it.

A job belongs to the user in its ``JobUserId`` search attribute; every read checks it and
answers ``JobNotFound`` otherwise, so another user's job looks exactly like a missing one.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
from collections.abc import Sequence
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from jobwire.contract.phases import CarriedState, Checkpoint, PlannedPhase
from jobwire.contract.records import JobPage, JobRecord, JobStats
from jobwire.contract.registry import JobTypeDefinition, JobTypeRegistry, job_types
from jobwire.contract.states import JobAction, JobState, allowed_actions
from jobwire.contract.workflow_api import (
    JOB_ID_PREFIX,
    QUERY_PROGRESS,
    SA_PROGRESS,
    SA_STATE,
    SA_TYPE,
    SA_USER_ID,
    UPDATE_CANCEL,
    UPDATE_PAUSE,
    UPDATE_RESUME,
    WORKFLOW_NAME,
    ControlRequest,
    JobWorkflowInput,
    idempotent_job_id,
    new_job_id,
)
from jobwire.errors import IllegalTransition, InvalidSpec, JobNotFound
from jobwire.jobs.activity_pause import temporal_pause_of, unpause_activity
from jobwire.jobs.visibility import record_from_visibility
from jobwire.settings import Settings

_UPDATES = {
    JobAction.PAUSE: UPDATE_PAUSE,
    JobAction.RESUME: UPDATE_RESUME,
    JobAction.CANCEL: UPDATE_CANCEL,
}
_BAD_TOKEN_STATUSES = {RPCStatusCode.INVALID_ARGUMENT, RPCStatusCode.UNKNOWN}
CLOSING_WAIT_SECONDS = 10.0
"""How long a resume waits for a run that has failed to close before it starts the next."""

_FAILED_STATUSES = {
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TIMED_OUT,
    WorkflowExecutionStatus.TERMINATED,
}


class JobService:
    """Submit, read, list, control and restart jobs for one user at a time."""

    def __init__(
        self, temporal: Client, settings: Settings, registry: JobTypeRegistry = job_types
    ) -> None:
        self.temporal = temporal
        self.settings = settings
        self.registry = registry

    # ---- submit ----------------------------------------------------------------------------

    async def submit(
        self,
        user_id: str,
        spec: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        restarted_from: str | None = None,
    ) -> tuple[JobRecord, bool]:
        """Starts a job; ``(record, created)``, where a repeated idempotency key finds the
        existing job and ``created`` is False."""
        parsed = self.registry.parse_spec(spec)
        definition = self.registry.get(parsed.type)
        job_id = idempotent_job_id(user_id, idempotency_key) if idempotency_key else new_job_id()
        if idempotency_key:
            existing = await self._find(user_id, job_id)
            if existing is not None:
                return await self._record_of(existing), False
        job = JobWorkflowInput(
            job_id=job_id,
            user_id=user_id,
            type=definition.name,
            spec=parsed.model_dump(mode="json"),
            phases=_plan(definition),
            policy=self.settings.activity_policy(),
            description=definition.description,
            restarted_from=restarted_from,
        )
        try:
            handle = await self._start(job)
        except WorkflowAlreadyStartedError:
            # Two requests with one idempotency key raced; the other one started it.
            return await self.get(user_id, job_id), False
        return _initial_record(job, handle.result_run_id), True

    async def _start(
        self, job: JobWorkflowInput, *, carried: CarriedState | None = None
    ) -> WorkflowHandle[Any, Any]:
        state = carried.record.state if carried else JobState.CREATED
        progress = carried.record.progress if carried else 0.0
        return await self.temporal.start_workflow(
            WORKFLOW_NAME,
            job.model_copy(update={"carried": carried}) if carried else job,
            id=job.job_id,
            task_queue=self.settings.task_queue,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(SA_USER_ID, job.user_id),
                    SearchAttributePair(SA_TYPE, job.type),
                    SearchAttributePair(SA_STATE, state.value),
                    SearchAttributePair(SA_PROGRESS, progress),
                ]
            ),
            memo={"spec": job.spec, "phases": [phase.name for phase in job.phases]},
            id_reuse_policy=(
                WorkflowIDReusePolicy.ALLOW_DUPLICATE
                if carried
                else WorkflowIDReusePolicy.REJECT_DUPLICATE
            ),
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            static_summary=f"{job.type} job for {job.user_id}",
            static_details=_static_details(job),
        )

    # ---- read ------------------------------------------------------------------------------

    async def get(self, user_id: str, job_id: str) -> JobRecord:
        description = await self._find(user_id, job_id)
        if description is None:
            raise JobNotFound(job_id)
        return await self._record_of(description)

    async def _find(self, user_id: str, job_id: str) -> WorkflowExecutionDescription | None:
        """The job's latest run if it exists and belongs to ``user_id``."""
        if not job_id.startswith(JOB_ID_PREFIX) or len(job_id) > 100:
            return None
        try:
            description = await self.temporal.get_workflow_handle(job_id).describe()
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                return None
            raise
        owner = description.typed_search_attributes.get(SA_USER_ID)
        if owner != user_id or description.workflow_type != WORKFLOW_NAME:
            return None
        return description

    async def _record_of(self, description: WorkflowExecutionDescription) -> JobRecord:
        handle = self.temporal.get_workflow_handle(
            description.id, run_id=description.run_id, result_type=JobRecord
        )
        status = description.status
        if status is WorkflowExecutionStatus.COMPLETED:
            record: JobRecord = await handle.result()
            return record
        if status in _FAILED_STATUSES:
            carried = await self._failure_state(handle)
            if carried is not None:
                return _with_actions(carried.record, carried.checkpoint is not None)
            return await record_from_visibility(description, JobState.FAILED)
        if status is WorkflowExecutionStatus.CANCELED:
            return await self._queried_or_fallback(handle, description, JobState.CANCELLED)
        record = await self._queried_or_fallback(handle, description, JobState.RUNNING)
        return await self._with_activity_view(record, description)

    async def _queried_or_fallback(
        self,
        handle: WorkflowHandle[Any, Any],
        description: WorkflowExecutionDescription,
        state: JobState,
    ) -> JobRecord:
        """The workflow's own record; without a worker to answer, the visibility view."""
        try:
            record: JobRecord = await asyncio.wait_for(
                handle.query(QUERY_PROGRESS, result_type=JobRecord), timeout=5
            )
        except (RPCError, TimeoutError):
            return await record_from_visibility(description, state)
        if state is JobState.CANCELLED and not record.state.is_terminal:
            record.state = JobState.CANCELLED
            record.allowed_actions = allowed_actions(JobState.CANCELLED)
        return record

    async def _with_activity_view(
        self, record: JobRecord, description: WorkflowExecutionDescription
    ) -> JobRecord:
        """Fresher progress from the running phase's last heartbeat, and Temporal's own pause."""
        pending = description.raw_description.pending_activities
        for activity in pending:
            if not activity.activity_type.name.endswith(f".{record.phase}"):
                continue
            record.attempt = max(record.attempt, activity.attempt)
            if activity.heartbeat_details.payloads:
                values = await self.temporal.data_converter.decode(
                    activity.heartbeat_details.payloads, [Checkpoint]
                )
                checkpoint = values[0] if values else None
                if isinstance(checkpoint, Checkpoint) and record.state is JobState.RUNNING:
                    record.checkpoint = checkpoint.summary()
                    record.progress = max(record.progress, _percent(record, checkpoint))
                    record.step = checkpoint.position or record.step
        pause = temporal_pause_of(description)
        if pause is not None and record.state is JobState.RUNNING:
            record.state = JobState.PAUSED
            record.paused_by = "temporal"
            record.allowed_actions = [JobAction.RESUME, JobAction.CANCEL]
        return record

    async def _failure_state(self, handle: WorkflowHandle[Any, Any]) -> CarriedState | None:
        try:
            await handle.result()
        except WorkflowFailureError as exc:
            cause = exc.cause
            if isinstance(cause, ApplicationError) and cause.details:
                try:
                    return CarriedState.model_validate(cause.details[0])
                except ValueError:
                    return None
        return None

    # ---- list and stats --------------------------------------------------------------------

    async def list(
        self,
        user_id: str,
        *,
        state: JobState | None = None,
        type: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> JobPage:
        """The user's jobs in visibility's default order (running first, newest first)."""
        query = self._query(user_id, state=state, type=type)
        token = _decode_cursor(cursor)
        iterator = self.temporal.list_workflows(query, page_size=limit, next_page_token=token)
        try:
            await iterator.fetch_next_page(page_size=limit)
        except RPCError as exc:
            # The dev server answers a forged token with UNKNOWN, a cluster with INVALID_ARGUMENT.
            if token is None or exc.status not in _BAD_TOKEN_STATUSES:
                raise
            raise InvalidSpec("cursor is not one this API handed out", field="cursor") from exc
        page: Sequence[Any] = iterator.current_page or []
        items = [await record_from_visibility(execution) for execution in page]
        next_token = iterator.next_page_token
        return JobPage(
            items=items,
            next_cursor=base64.urlsafe_b64encode(next_token).decode() if next_token else None,
        )

    async def stats(self, user_id: str) -> JobStats:
        """Counts by state and by type; one count per value, as the dev server's SQLite
        visibility allows no GROUP BY on search attributes."""
        states = [state.value for state in JobState]
        types = self.registry.names()
        counts = await asyncio.gather(
            self._count(self._query(user_id)),
            *(self._count(self._query(user_id, state=JobState(s))) for s in states),
            *(self._count(self._query(user_id, type=t)) for t in types),
        )
        total, by_state, by_type = counts[0], counts[1 : 1 + len(states)], counts[1 + len(states) :]
        return JobStats(
            total=total,
            by_state=dict(zip(states, by_state, strict=True)),
            by_type=dict(zip(types, by_type, strict=True)),
        )

    async def counts_by_type_and_state(self) -> dict[tuple[str, str], int]:
        """All users' jobs per (type, state), for metrics: one count per pair, for the same
        reason as in ``stats``."""
        pairs = [(t, s.value) for t in self.registry.names() for s in JobState]
        counts = await asyncio.gather(
            *(
                self._count(
                    f"WorkflowType = '{WORKFLOW_NAME}' AND {SA_TYPE.name} = {_quote(t)}"
                    f" AND {SA_STATE.name} = {_quote(s)}"
                )
                for t, s in pairs
            )
        )
        return dict(zip(pairs, counts, strict=True))

    async def _count(self, query: str) -> int:
        return (await self.temporal.count_workflows(query)).count

    def _query(
        self, user_id: str, *, state: JobState | None = None, type: str | None = None
    ) -> str:
        clauses = [
            f"WorkflowType = '{WORKFLOW_NAME}'",
            f"{SA_USER_ID.name} = {_quote(user_id)}",
        ]
        if state is not None:
            clauses.append(f"{SA_STATE.name} = {_quote(state.value)}")
        if type is not None:
            clauses.append(f"{SA_TYPE.name} = {_quote(self.registry.get(type).name)}")
        return " AND ".join(clauses)

    # ---- control ---------------------------------------------------------------------------

    async def control(self, user_id: str, job_id: str, action: JobAction) -> JobRecord:
        """Pause, resume or cancel; ``IllegalTransition`` carries the state that refused it."""
        if action not in _UPDATES:
            raise IllegalTransition(action.value, "any state")
        description = await self._find(user_id, job_id)
        if description is None:
            raise JobNotFound(job_id)
        if description.status is not WorkflowExecutionStatus.RUNNING:
            return await self._control_closed(user_id, description, action)
        pause = temporal_pause_of(description)
        if pause is not None and action is JobAction.RESUME:
            await unpause_activity(self.temporal, description, pause)
            return await self.get(user_id, job_id)
        handle = self.temporal.get_workflow_handle(job_id)
        try:
            record: JobRecord = await handle.execute_update(
                _UPDATES[action], ControlRequest(), result_type=JobRecord
            )
        except WorkflowUpdateFailedError as exc:
            refusal = _refusal(action, exc)
            if action is JobAction.RESUME and refusal.state == JobState.FAILED.value:
                # The run has failed and is closing: resume it once it has closed.
                return await self._resume_after_close(user_id, job_id, handle, refusal)
            raise refusal from exc
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
            # It closed between describe and update.
            current = await self.get(user_id, job_id)
            refusal = IllegalTransition(action.value, current.state.value)
            if action is JobAction.RESUME and current.state is JobState.FAILED:
                return await self._resume_after_close(user_id, job_id, handle, refusal)
            raise refusal from exc
        return record

    async def _resume_after_close(
        self,
        user_id: str,
        job_id: str,
        handle: WorkflowHandle[Any, Any],
        refusal: IllegalTransition,
    ) -> JobRecord:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(handle.result(), CLOSING_WAIT_SECONDS)
        description = await self._find(user_id, job_id)
        if description is None or description.status is WorkflowExecutionStatus.RUNNING:
            raise refusal
        return await self._control_closed(user_id, description, JobAction.RESUME)

    async def _control_closed(
        self, user_id: str, description: WorkflowExecutionDescription, action: JobAction
    ) -> JobRecord:
        """A closed job accepts only a resume, and only a failed one with a checkpoint."""
        record = await self._record_of(description)
        if action is not JobAction.RESUME or description.status not in _FAILED_STATUSES:
            raise IllegalTransition(action.value, record.state.value)
        handle = self.temporal.get_workflow_handle(description.id, run_id=description.run_id)
        carried = await self._failure_state(handle)
        if carried is None or carried.checkpoint is None:
            raise IllegalTransition(action.value, record.state.value)
        job = await self._original_input(description)
        await self._start(job, carried=carried)
        resumed = carried.record.model_copy(
            update={
                "state": JobState.RUNNING,
                "error": None,
                "finished_at": None,
                "allowed_actions": allowed_actions(JobState.RUNNING),
            }
        )
        return resumed

    async def _original_input(self, description: WorkflowExecutionDescription) -> JobWorkflowInput:
        """The input this run started with, read from its history's first event."""
        handle = self.temporal.get_workflow_handle(description.id, run_id=description.run_id)
        async for event in handle.fetch_history_events():
            attributes = event.workflow_execution_started_event_attributes
            values = await self.temporal.data_converter.decode(
                attributes.input.payloads, [JobWorkflowInput]
            )
            job = values[0]
            assert isinstance(job, JobWorkflowInput)
            return job
        raise JobNotFound(description.id)

    async def restart(
        self, user_id: str, job_id: str, spec: dict[str, Any] | None = None
    ) -> JobRecord:
        """A fresh job from the original spec, or from ``spec`` when the caller amends it."""
        record = await self.get(user_id, job_id)
        if JobAction.RESTART not in allowed_actions(record.state, has_checkpoint=True):
            raise IllegalTransition(JobAction.RESTART.value, record.state.value)
        new_record, _ = await self.submit(
            user_id, spec if spec is not None else record.spec, restarted_from=job_id
        )
        return new_record


def _plan(definition: JobTypeDefinition) -> list[PlannedPhase]:
    return [
        PlannedPhase(
            name=phase.name,
            activity=definition.activity_name(phase),
            weight=phase.weight,
            description=phase.description,
        )
        for phase in definition.phases
    ]


def _initial_record(job: JobWorkflowInput, run_id: str | None) -> JobRecord:
    from jobwire.contract.events import utc_now

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
        created_at=now,
        updated_at=now,
    )


def _with_actions(record: JobRecord, has_checkpoint: bool) -> JobRecord:
    record.allowed_actions = allowed_actions(record.state, has_checkpoint=has_checkpoint)
    return record


def _percent(record: JobRecord, checkpoint: Checkpoint) -> float:
    """Where a heartbeat puts the job, from the phase's share of the whole."""
    if not checkpoint.total or record.phase not in record.phases:
        return record.progress
    index = record.phases.index(record.phase)
    share = 100.0 / len(record.phases)
    return min(100.0, index * share + share * checkpoint.done / checkpoint.total)


def _refusal(action: JobAction, exc: WorkflowUpdateFailedError) -> IllegalTransition:
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type == "IllegalTransition":
        details = cause.details[0] if cause.details else {}
        state = details.get("state", "unknown") if isinstance(details, dict) else "unknown"
        refusal = IllegalTransition(action.value, state)
        refusal.detail = cause.message
        return refusal
    raise exc


def _quote(value: str) -> str:
    """A visibility-query string literal; user ids come from tokens, so escape everything."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _decode_cursor(cursor: str | None) -> bytes | None:
    if not cursor:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode())
    except (binascii.Error, ValueError):
        from jobwire.errors import InvalidSpec

        raise InvalidSpec("cursor is not one this server issued", field="cursor") from None


def _static_details(job: JobWorkflowInput) -> str:
    phases = " → ".join(phase.name for phase in job.phases)
    lines = [f"**{job.type}** job `{job.job_id}` for `{job.user_id}`", f"phases: {phases}"]
    if job.description:
        lines.append(job.description)
    if job.restarted_from:
        lines.append(f"restart of `{job.restarted_from}`")
    return "  \n".join(lines)
