"""The one helper a job type's phase uses: checkpoint, heartbeat, live event, progress report.

A phase is a plain loop that calls ``await ctx.advance(...)`` after each unit of work. Every
call records a checkpoint; the expensive parts (heartbeat serialisation, Redis publish, signal
to the workflow) are throttled by time, so calling it per row or per item stays cheap. The
signal is the rarest (``progress_report_seconds``): reads come from the job's projection in
Redis, so the workflow's query and search attributes only keep Temporal's UI current.
Cancellation (a jobwire pause or cancel, Temporal's own pause) arrives at these awaits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel
from redis.asyncio import Redis

from activities.runtime.checkpoints import check_round_trip
from jobwire.cancellation import raise_if_cancelled
from jobwire.contract.events import EventDraft, EventType, utc_now
from jobwire.contract.job_settings import ENV_PREFIX
from jobwire.contract.phases import Checkpoint, PhaseInput, ProgressReport
from jobwire.contract.progress import within
from jobwire.contract.publishing import EventPublisher
from jobwire.contract.specs import JobInput
from jobwire.contract.states import JobState
from jobwire.settings import Settings

log = logging.getLogger(__name__)

Heartbeat = Callable[[Checkpoint], None]
ReportProgress = Callable[[ProgressReport], Awaitable[None]]
TypeSettings = TypeVar("TypeSettings", bound=BaseModel)


@dataclass
class PhaseResources:
    """What a worker process shares with every phase it runs."""

    settings: Settings
    redis: Redis | None = None
    http: httpx.AsyncClient | None = None
    job_settings: dict[str, BaseModel] = field(default_factory=dict)
    """Each job type's settings, validated when the worker started; by type name."""

    def settings_of(self, job_type: str, model: type[TypeSettings]) -> TypeSettings:
        """``job_type``'s settings as ``model``; validated from ``settings.job_types`` here
        when the worker did not (a test that builds its own resources)."""
        found = self.job_settings.get(job_type)
        if found is None:
            found = model.model_validate(self.settings.job_types.get(job_type, {}))
            self.job_settings[job_type] = found
        if not isinstance(found, model):
            raise TypeError(
                f"{ENV_PREFIX}__{job_type.upper()} holds {type(found).__name__},"
                f" not {model.__name__}"
            )
        return found


@dataclass
class _Throttle:
    """Lets an action through at most once per ``interval`` seconds."""

    interval: float
    last: float = field(default=-1e18)

    def ready(self, now: float) -> bool:
        if now - self.last >= self.interval:
            self.last = now
            return True
        return False


class HandBack(Exception):
    """Raised by ``advance`` once a pause or rollover was asked for: the phase stops exactly
    at a checkpoint, never in the middle of a unit of work with an outside effect."""


class PhaseContext:
    """Everything a phase function needs, and the only way it reports what it does."""

    def __init__(  # noqa: PLR0913 -- built in one place (the runtime), each part named
        self,
        *,
        phase_input: PhaseInput,
        spec: JobInput,
        resources: PhaseResources,
        publisher: EventPublisher,
        heartbeat: Heartbeat,
        report_progress: ReportProgress,
        resumed: Checkpoint | None,
        attempt: int,
    ) -> None:
        self._input = phase_input
        self.spec = spec
        self.resources = resources
        self.resumed = resumed
        self.attempt = attempt
        self._publisher = publisher
        self._heartbeat = heartbeat
        self._report_progress = report_progress
        self._checkpoint = resumed
        self._progress = phase_input.progress_start
        self._step = ""
        self._handback = False
        settings = resources.settings
        self._heartbeat_throttle = _Throttle(settings.heartbeat_throttle_seconds / 2)
        self._event_throttle = _Throttle(settings.progress_event_seconds)
        self._report_throttle = _Throttle(settings.progress_report_seconds)

    @property
    def job_id(self) -> str:
        return self._input.job_id

    @property
    def user_id(self) -> str:
        return self._input.user_id

    @property
    def phase(self) -> str:
        return self._input.phase

    def settings(self, model: type[TypeSettings]) -> TypeSettings:
        """This job type's own settings (``JOBWIRE_JOB_TYPES__<TYPE>__*``), typed as ``model``."""
        return self.resources.settings_of(self.spec.type, model)

    @property
    def previous(self) -> dict[str, Any]:
        """Outputs of the phases that finished before this one, by phase name."""
        return self._input.previous

    @property
    def state(self) -> dict[str, Any]:
        """The cursor and partial aggregates to start from: empty on a first attempt."""
        return dict(self.resumed.state) if self.resumed else {}

    @property
    def checkpoint(self) -> Checkpoint | None:
        """The latest checkpoint; what a pause hands back to the workflow."""
        return self._checkpoint

    @property
    def progress(self) -> float:
        return self._progress

    @property
    def step(self) -> str:
        return self._step

    def percent(self, done: int, total: int | None) -> float:
        """Maps this phase's ``done/total`` into the job's 0-100 range."""
        return within((self._input.progress_start, self._input.progress_end), done, total)

    async def advance(
        self,
        *,
        done: int,
        position: str,
        state: dict[str, Any],
        total: int | None = None,
        step: str | None = None,
        force: bool = False,
    ) -> None:
        """Records that ``done`` units are finished and ``state`` resumes after them.

        ``force`` sends everything now (use it after a unit with an outside effect, such as an
        order sent, so the checkpoint reaches Temporal before the next one starts).
        A ``state`` JSON would not give back unchanged (a NaN, an infinity, a tuple, an
        object) is refused here, naming the field, with a final error: resuming from a
        different state than was saved could only fail again.
        """
        check_round_trip(state)
        self._checkpoint = Checkpoint(
            phase=self.phase,
            position=position,
            done=done,
            total=total,
            state=state,
            taken_at=utc_now(),
        )
        self._progress = self.percent(done, total)
        self._step = step or position
        if self._handback:
            raise HandBack
        now = time.monotonic()
        if force or self._heartbeat_throttle.ready(now):
            self._heartbeat(self._checkpoint)
        if force or self._event_throttle.ready(now):
            await self.emit(
                EventType.PROGRESS,
                {"phase": self.phase, "done": done, "total": total, "position": position},
            )
        if force or self._report_throttle.ready(now):
            await self._report()
        # A phase that computes in a tight loop would otherwise never give the event loop a
        # turn (when every throttle says "not yet" nothing above awaits anything real), and
        # the worker's heartbeats, cancellation and other activities would starve.
        await asyncio.sleep(0)
        # A cancel that a library swallowed above (redis-py can) still stops the phase here,
        # with this step's checkpoint kept: a worker shutting down waits for its phases.
        raise_if_cancelled()

    def request_handback(self) -> None:
        """The next ``advance`` raises ``HandBack`` after recording its checkpoint."""
        self._handback = True

    async def set_step(self, step: str) -> None:
        """Names what the phase is doing now, without a checkpoint (e.g. 'ranking passages')."""
        self._step = step
        await self.emit(EventType.PROGRESS, {"phase": self.phase})

    async def log(self, message: str, *, level: str = "info", **data: Any) -> None:
        """A line for the job's activity log, as clients show it."""
        await self.emit(EventType.LOG, {"message": message, "level": level, **data})

    async def chunk(self, text: str, *, stream: str = "text") -> None:
        """A piece of streamed output (an LLM's tokens, for instance), sent unthrottled."""
        await self.emit(EventType.CHUNK, {"text": text, "stream": stream})

    async def emit(self, kind: EventType, data: dict[str, Any]) -> None:
        """Publishes one live event; the feed being down never fails the phase."""
        draft = EventDraft(
            job_id=self.job_id,
            user_id=self.user_id,
            type=kind,
            state=JobState.RUNNING,
            progress=round(self._progress, 3),
            step=self._step,
            data=data,
        )
        try:
            await self._publisher.publish(draft)
        except Exception:
            log.warning("event publish failed", exc_info=True, extra={"job_id": self.job_id})
        raise_if_cancelled()

    async def _report(self) -> None:
        report = ProgressReport(
            phase=self.phase,
            progress=round(self._progress, 3),
            step=self._step,
            attempt=self.attempt,
            checkpoint=self._checkpoint.summary() if self._checkpoint else None,
        )
        try:
            await self._report_progress(report)
        except Exception:
            log.warning("progress report failed", exc_info=True, extra={"job_id": self.job_id})
        if self._checkpoint is not None:
            await self.emit(
                EventType.CHECKPOINT, self._checkpoint.summary().model_dump(mode="json")
            )
