"""Turns each registered phase, bound to its function, into a Temporal activity that
resumes from its own heartbeats.

The wrapper does what no job type should have to: read the checkpoint a crashed attempt left
in ``heartbeat_details``, say ``job.recovered`` out loud, keep heartbeating while the phase
waits on slow I/O, hand the checkpoint back on a jobwire pause, leave it with the server on a
Temporal pause, and tell failures that will recur (final at once) from those worth another attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.runtime.binding import BoundPhase, bind_phases
from activities.runtime.context import HandBack, PhaseContext, PhaseResources
from activities.runtime.failures import classify
from jobwire.contract.events import EventDraft, EventType, JobEvent, utc_now
from jobwire.contract.job_settings import validate_job_type_settings
from jobwire.contract.phases import (
    Checkpoint,
    FailureDetails,
    PhaseInput,
    PhaseOutcome,
    ProgressReport,
)
from jobwire.contract.publishing import EventPublisher
from jobwire.contract.records import JobRecord
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.contract.workflow_api import PUBLISH_ACTIVITY, SIGNAL_REPORT_PROGRESS
from jobwire.errors import InvalidSpec
from jobwire.observability.worker_metrics import counting_rpc_errors
from jobwire.settings import Settings

log = logging.getLogger(__name__)


class PhaseRuntime:
    """Builds the worker's activities, bound to this process's publisher and resources."""

    def __init__(
        self,
        resources: PhaseResources,
        publisher: EventPublisher,
        registry: JobTypeRegistry = job_types,
    ) -> None:
        self.resources = resources
        self.publisher = publisher
        self.registry = registry

    def activities(self) -> list[Callable[..., Any]]:
        """One activity per phase of every type, plus the publish activity. Every type's
        settings are validated and every phase bound to its function here, as the worker
        starts, so a bad value or a missing function stops it before it takes any task."""
        definitions = self.registry.definitions()
        self.resources.job_settings.update(
            validate_job_type_settings(definitions, self.resources.settings.job_types)
        )
        built = [self._phase_activity(bound) for bound in bind_phases(definitions)]
        return [*built, self._publish_activity()]

    def _publish_activity(self) -> Callable[..., Any]:
        publisher = self.publisher

        @activity.defn(name=PUBLISH_ACTIVITY)
        async def publish_event(
            draft: EventDraft, base: JobRecord | None = None
        ) -> JobEvent | None:
            """The workflow's transitions reach the feed through this local activity, with
            the workflow's record (``base``; absent in histories from before it was carried)
            for the job's projection."""
            return await publisher.publish(draft, base)

        return publish_event

    def _phase_activity(self, bound: BoundPhase) -> Callable[..., Any]:
        runtime = self

        @activity.defn(name=bound.definition.activity_name(bound.phase))
        async def run_phase(phase_input: PhaseInput) -> PhaseOutcome:
            return await runtime.run(bound, phase_input)

        return run_phase

    async def run(self, bound: BoundPhase, phase_input: PhaseInput) -> PhaseOutcome:
        info = activity.info()
        from_heartbeat = _checkpoint_from(info.heartbeat_details)
        ctx = self._context(phase_input, from_heartbeat or phase_input.resume_from, info.attempt)
        if info.attempt > 1:
            await self._announce_recovery(ctx, info.attempt, from_heartbeat)
        elif ctx.resumed is None:
            # Every phase names itself as it starts, even one that reports nothing else, so
            # a timeline shows it and the step says what is going on.
            await ctx.set_step(bound.phase.description or bound.phase.name)
        keepalive = asyncio.create_task(_keep_heartbeating(ctx, self.resources))
        try:
            delay = _failure_delay(phase_input, info.attempt)
            return await self._until_finished(bound, ctx, info.attempt, delay)
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive

    def _context(
        self, phase_input: PhaseInput, resumed: Checkpoint | None, attempt: int
    ) -> PhaseContext:
        try:
            spec = self.registry.parse_spec(phase_input.spec)
        except InvalidSpec as exc:
            raise ApplicationError(exc.detail, type="InvalidSpec", non_retryable=True) from exc
        return PhaseContext(
            phase_input=phase_input,
            spec=spec,
            resources=self.resources,
            publisher=self.publisher,
            heartbeat=activity.heartbeat,
            report_progress=_signal_workflow(phase_input.job_id),
            resumed=resumed,
            attempt=attempt,
        )

    async def _until_finished(
        self, bound: BoundPhase, ctx: PhaseContext, attempt: int, retry_delay: timedelta | None
    ) -> PhaseOutcome:
        """The phase's outcome, completed or paused; its errors mapped to Temporal's by
        ``classify``: one that will recur is final at once, anything else is retried a
        bounded number of times, and each carries the attempt and the last checkpoint."""
        work: asyncio.Task[dict[str, Any]] = asyncio.ensure_future(bound.run(ctx))
        try:
            output = await _until_done_or_handed_back(work, ctx, self.resources.settings)
        except HandBack:
            return PhaseOutcome(status="paused", checkpoint=ctx.checkpoint)
        except asyncio.CancelledError:
            details = activity.cancellation_details()
            if details is None or not details.cancel_requested:
                if details is not None and details.paused:
                    await ctx.emit(EventType.PAUSED, {"paused_by": "temporal"})
                raise
            # A jobwire pause or cancel: hand the checkpoint back; the workflow decides.
            return PhaseOutcome(status="paused", checkpoint=ctx.checkpoint)
        except Exception as exc:
            error = classify(
                exc,
                final=bound.definition.final_errors,
                details=[_failure_details(ctx)],
                retry_delay=retry_delay,
            )
            await ctx.log(
                _attempt_failed(bound, attempt, exc, final=error.non_retryable),
                level="error" if error.non_retryable else "warning",
            )
            raise error from exc
        return _completed(bound, output)

    async def _announce_recovery(
        self, ctx: PhaseContext, attempt: int, checkpoint: Checkpoint | None
    ) -> None:
        """Recovery is shown, never silent: which attempt, from where, how stale."""
        data: dict[str, Any] = {"attempt": attempt, "phase": ctx.phase}
        if checkpoint is None:
            data["checkpoint"] = None
            data["redo"] = "the phase starts over: no checkpoint reached Temporal"
        else:
            data["checkpoint"] = checkpoint.summary().model_dump(mode="json")
            data["resume_from_done"] = checkpoint.done
            data["checkpoint_age_seconds"] = round(
                (utc_now() - checkpoint.taken_at).total_seconds(), 3
            )
            data["redo"] = f"work after {checkpoint.position} is done again"
        ctx._progress = (
            ctx.percent(checkpoint.done, checkpoint.total) if checkpoint else ctx.progress
        )
        await ctx.emit(EventType.RECOVERED, data)


async def _until_done_or_handed_back(
    work: asyncio.Task[dict[str, Any]], ctx: PhaseContext, settings: Settings
) -> dict[str, Any]:
    """Awaits the phase; a jobwire pause or rollover lets it run on to its next checkpoint
    (``HandBack``) instead of cutting it off mid-step, so nothing is done twice. A phase that
    reaches no checkpoint within the grace period is cancelled outright."""
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        details = activity.cancellation_details()
        if work.done() or details is None or not details.cancel_requested:
            await _stop(work)
            raise
        current = asyncio.current_task()
        if current is not None:
            current.uncancel()
    ctx.request_handback()
    try:
        return await asyncio.wait_for(asyncio.shield(work), _handback_grace(settings))
    except TimeoutError:
        await _stop(work)
        raise asyncio.CancelledError from None


def _handback_grace(settings: Settings) -> float:
    return max(1.0, settings.heartbeat_timeout_seconds)


async def _stop(work: asyncio.Task[Any]) -> None:
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await work


def _checkpoint_from(details: Any) -> Checkpoint | None:
    if not details:
        return None
    try:
        return Checkpoint.model_validate(details[0])
    except ValidationError:
        log.warning("ignoring heartbeat details that are not a checkpoint")
        return None


def _signal_workflow(job_id: str) -> Callable[[ProgressReport], Any]:
    async def report(progress: ProgressReport) -> None:
        handle = activity.client().get_workflow_handle(job_id)
        with counting_rpc_errors("signal_progress"):
            await handle.signal(SIGNAL_REPORT_PROGRESS, progress)

    return report


async def _keep_heartbeating(ctx: PhaseContext, resources: PhaseResources) -> None:
    """Keeps a phase that waits on slow I/O alive; the heartbeat timeout catches dead workers."""
    interval = max(resources.settings.heartbeat_timeout_seconds / 3, 0.05)
    while True:
        checkpoint = ctx.checkpoint
        if checkpoint is None:
            activity.heartbeat()
        else:
            activity.heartbeat(checkpoint)
        await asyncio.sleep(interval)


def _completed(bound: BoundPhase, output: Any) -> PhaseOutcome:
    if not isinstance(output, dict):
        raise ApplicationError(
            f"phase {bound.phase.name} returned {type(output).__name__}, not a dict",
            type="PhaseContractError",
            non_retryable=True,
        )
    return PhaseOutcome(status="completed", output=output)


def _failure_delay(phase_input: PhaseInput, attempt: int) -> timedelta | None:
    """With timeouts retried at once by the job's policy, a failure sets its own backoff."""
    policy = phase_input.retry
    return policy.failure_retry_delay(attempt) if policy is not None else None


def _failure_details(ctx: PhaseContext) -> FailureDetails:
    return FailureDetails(attempt=ctx.attempt, checkpoint=ctx.checkpoint)


def _attempt_failed(bound: BoundPhase, attempt: int, exc: Exception, *, final: bool) -> str:
    """The job log's line for a failed attempt: whether another one follows, and of how many."""
    policy = activity.info().retry_policy
    limit = policy.maximum_attempts if policy is not None else 0
    of = f" of {limit}" if limit else ""
    what = f"attempt {attempt}{of} of phase {bound.phase.name} failed: {exc or type(exc).__name__}"
    if final:
        return f"{what}; it will fail again, so the job fails now"
    if limit and attempt >= limit:
        return f"{what}; no attempts are left"
    return f"{what}; it will be retried"
