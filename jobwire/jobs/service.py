"""Every operation on jobs, with Temporal as the store of record; the API, the bridge and tools
call it.

``JobService`` is the one object they hold. Each idea lives in its own module: starting jobs
(``submission``), reading a record (``projected`` over ``reading``: Redis's projection while it
is fresh, else Temporal), lists and counts (``listing``) and controls (``controls``); this
class only wires them together for one Temporal client, Redis and registry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.contract.bulk import BulkRequest, BulkResult
from jobwire.contract.filters import JobFilter
from jobwire.contract.records import JobPage, JobRecord, JobStats, StaleJobs
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.contract.states import JobAction, JobState
from jobwire.contract.workflow_api import idempotent_job_id
from jobwire.jobs.bulk import Admit, BulkActions
from jobwire.jobs.controls import JobControls
from jobwire.jobs.deletion import JobDeletion
from jobwire.jobs.forking import ForkPlan, JobForks
from jobwire.jobs.listing import JobListing
from jobwire.jobs.projected import ProjectedReader
from jobwire.jobs.reading import JobReader
from jobwire.jobs.stale import stale_jobs
from jobwire.jobs.submission import JobStarter
from jobwire.jobs.visibility_query import CursorSigner
from jobwire.projection.store import ProjectionStore
from jobwire.settings import Settings


class JobService:
    """Submit, read, list, control and restart jobs for one user at a time.

    A job belongs to the user in its ``JobUserId`` search attribute; every read checks it and
    answers ``JobNotFound`` otherwise, so another user's job looks exactly like a missing one.
    """

    def __init__(
        self,
        temporal: Client,
        settings: Settings,
        registry: JobTypeRegistry = job_types,
        redis: Redis | None = None,
    ) -> None:
        """Without ``redis`` every read asks Temporal; with it, records come from the jobs'
        projections there (``jobwire.jobs.projected``)."""
        self.temporal = temporal
        self.settings = settings
        self.registry = registry
        self._reader = JobReader(temporal)
        store = ProjectionStore(redis, settings.event_stream_ttl_seconds) if redis else None
        self._projected = ProjectedReader(store, self._reader, settings.projection_fresh_seconds)
        self._starter = JobStarter(temporal, settings, registry, self._reader)
        self.preferences = self._starter.preferences
        """The users' own defaults, which submissions read (``/api/me/webhook`` changes them)."""
        signer = CursorSigner.for_settings(settings)
        self._listing = JobListing(temporal, registry, signer, store)
        self._controls = JobControls(
            temporal, self._reader, self._starter, settings.worker_answer_wait_seconds
        )
        self._forks = JobForks(self._reader, self._starter, registry)
        self._bulk = BulkActions(temporal, self._controls)
        self._deletion = JobDeletion(
            temporal, self._reader, self._controls, settings.delete_cancel_wait_seconds
        )

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
        replacing = False
        if idempotency_key:
            replacing = await self._projected.reuse(idempotent_job_id(user_id, idempotency_key))
        return await self._starter.submit(
            user_id,
            spec,
            idempotency_key=idempotency_key,
            restarted_from=restarted_from,
            replacing_deleted=replacing,
        )

    async def submitted(self, user_id: str, idempotency_key: str) -> JobRecord | None:
        """The job a submission with ``idempotency_key`` already started, if any; none if
        that job was deleted, though Temporal may describe it for a few seconds more."""
        if await self._projected.deleted(idempotent_job_id(user_id, idempotency_key)):
            return None
        return await self._starter.submitted(user_id, idempotency_key)

    async def get(self, user_id: str, job_id: str, *, include_spec: bool = True) -> JobRecord:
        """The job's record, from its projection while that is fresh; ``include_spec=False``
        leaves the spec out, for readers that show only progress."""
        return await self._projected.get(user_id, job_id, include_spec=include_spec)

    async def list(
        self,
        user_id: str,
        *,
        state: JobState | None = None,
        type: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        job_filter: JobFilter | None = None,
    ) -> JobPage:
        """The user's jobs in visibility's default order (running first, newest first),
        narrowed by ``job_filter``; an unregistered ``type`` is refused as invalid input."""
        return await self._listing.list(
            user_id, state=state, type=type, limit=limit, cursor=cursor, job_filter=job_filter
        )

    async def stale(self, user_id: str, older_than_seconds: float | None = None) -> StaleJobs:
        """Running jobs whose phase has not heartbeated for longer than the threshold
        (``stale_heartbeat_seconds`` unless given)."""
        threshold = older_than_seconds or self.settings.stale_heartbeat_seconds
        return await stale_jobs(self.temporal, user_id, timedelta(seconds=threshold))

    async def stats(self, user_id: str) -> JobStats:
        return await self._listing.stats(user_id)

    async def counts_by_type_and_state(self) -> dict[tuple[str, str], int]:
        """All users' jobs per (type, state), for metrics."""
        return await self._listing.counts_by_type_and_state()

    async def control(
        self, user_id: str, job_id: str, action: JobAction, reason: str | None = None
    ) -> JobRecord:
        """Pause, resume or cancel; ``IllegalTransition`` carries the state that refused it.
        ``user_id`` and ``reason`` are kept in Temporal's history and the job's events."""
        return await self._controls.control(user_id, job_id, action, reason)

    async def bulk(
        self, user_id: str, request: BulkRequest, *, admit: Admit | None = None
    ) -> BulkResult:
        """One action on many jobs, each answered done, not allowed or not found; ``admit``
        is asked before each restart, which starts a job."""
        max_jobs = self.settings.bulk_action_max_jobs
        if admit is None:
            return await self._bulk.run(user_id, request, max_jobs=max_jobs)
        return await self._bulk.run(user_id, request, max_jobs=max_jobs, admit=admit)

    async def restart(
        self,
        user_id: str,
        job_id: str,
        spec: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> JobRecord:
        """A fresh job from the original spec, or from ``spec`` when the caller amends it."""
        return await self._controls.restart(user_id, job_id, spec, reason)

    async def plan_fork(
        self,
        user_id: str,
        job_id: str,
        from_phase: str,
        *,
        spec: dict[str, Any] | None = None,
        from_checkpoint: bool = False,
    ) -> ForkPlan:
        """Checks that the ended job can be forked at ``from_phase`` and reads what it reuses
        from Temporal; ``start_fork`` starts it (a caller's rate limit fits between)."""
        return await self._forks.plan(
            user_id, job_id, from_phase, spec=spec, from_checkpoint=from_checkpoint
        )

    async def start_fork(self, plan: ForkPlan) -> JobRecord:
        """Starts a planned fork: a new job whose record says what it was forked from."""
        return await self._forks.start(plan)

    async def delete(self, user_id: str, job_id: str, redis: Redis, *, force: bool = False) -> None:
        """Removes an ended job from Temporal and the live feed; a running one is refused
        (``IllegalTransition``) unless ``force``, which cancels it first."""
        await self._deletion.delete(user_id, job_id, redis, force=force)
