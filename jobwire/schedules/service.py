"""Every operation on schedules, with Temporal's Schedules as the store of record.

A schedule is checked whole before Temporal hears of it: its job spec exactly as
``POST /api/jobs`` checks one, its timetable against the minimum interval, and the owner's
count against the cap; a refusal leaves nothing behind.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client, ScheduleState, ScheduleUpdate, ScheduleUpdateInput
from temporalio.common import Priority

from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.schedules import (
    ScheduleChange,
    SchedulePage,
    ScheduleRecord,
    ScheduleRequest,
    Timetable,
    new_schedule_id,
)
from jobwire.contract.workflow_api import JobWorkflowInput, new_job_id
from jobwire.errors import InvalidSchedule
from jobwire.jobs.priorities import spec_priority, temporal_priority
from jobwire.jobs.reading import JobReader
from jobwire.jobs.submission import JobStarter
from jobwire.schedules.building import build_schedule, owner_attributes
from jobwire.schedules.reading import ScheduleReader
from jobwire.schedules.timetable import check_timetable
from jobwire.settings import Settings

TRIGGER_WAIT_SECONDS = 3.0
"""How long a trigger waits for Temporal to start its run, so the answer can name its job."""


class ScheduleService:
    """Create, read, change, pause, trigger and delete one user's schedules."""

    def __init__(self, temporal: Client, settings: Settings, registry: JobTypeRegistry) -> None:
        self.temporal = temporal
        self.settings = settings
        self.registry = registry
        self._reader = ScheduleReader(temporal)
        self._starter = JobStarter(temporal, settings, registry, JobReader(temporal))

    async def create(self, user_id: str, request: ScheduleRequest) -> ScheduleRecord:
        spec = request.spec.model_dump(mode="json")
        timetable = _timetable(request)
        schedule_id = new_schedule_id()
        job = await self._job(user_id, spec, schedule_id)
        await check_timetable(self.temporal, timetable, self.settings.schedule_min_interval_seconds)
        await self._check_cap(user_id)
        state = ScheduleState(paused=request.paused, note=f"created by {user_id}")
        schedule = build_schedule(
            job, timetable, request.overlap, self.settings.task_queue, state, self._priority(job)
        )
        handle = await self.temporal.create_schedule(
            schedule_id,
            schedule,
            memo={"user_id": user_id},
            search_attributes=owner_attributes(user_id),
        )
        return await self._reader.record_of(await handle.describe())

    async def update(
        self, user_id: str, schedule_id: str, change: ScheduleChange
    ) -> ScheduleRecord:
        """Applies the fields ``change`` gives; the rest stay as they are."""
        current = await self._reader.get(user_id, schedule_id)
        spec = change.spec.model_dump(mode="json") if change.spec else current.spec
        job = await self._job(user_id, spec, schedule_id)
        timetable = _merged(current, change)
        await check_timetable(self.temporal, timetable, self.settings.schedule_min_interval_seconds)
        overlap = change.overlap or current.overlap
        task_queue = self.settings.task_queue
        priority = self._priority(job)

        def updated(update: ScheduleUpdateInput) -> ScheduleUpdate:
            state = update.description.schedule.state
            return ScheduleUpdate(
                build_schedule(job, timetable, overlap, task_queue, state, priority)
            )

        handle = self.temporal.get_schedule_handle(schedule_id)
        await handle.update(updated)
        return await self._reader.record_of(await handle.describe())

    def _priority(self, job: JobWorkflowInput) -> Priority:
        return temporal_priority(self.settings, job.user_id, spec_priority(job.spec))

    async def get(self, user_id: str, schedule_id: str) -> ScheduleRecord:
        return await self._reader.get(user_id, schedule_id)

    async def list(self, user_id: str) -> SchedulePage:
        return await self._reader.list(user_id)

    async def pause(self, user_id: str, schedule_id: str, reason: str | None) -> ScheduleRecord:
        handle = await self._reader.owned(user_id, schedule_id)
        await handle.pause(note=_note("paused", user_id, reason))
        return await self._reader.record_of(await handle.describe())

    async def unpause(self, user_id: str, schedule_id: str, reason: str | None) -> ScheduleRecord:
        handle = await self._reader.owned(user_id, schedule_id)
        await handle.unpause(note=_note("unpaused", user_id, reason))
        return await self._reader.record_of(await handle.describe())

    async def trigger(self, user_id: str, schedule_id: str) -> ScheduleRecord:
        """Starts a run now (under the schedule's overlap policy, even while paused); the
        answer names its job once Temporal has started it, which takes a moment."""
        description = await self._reader.describe(user_id, schedule_id)
        handle = self.temporal.get_schedule_handle(schedule_id)
        await handle.trigger(overlap=description.schedule.policy.overlap)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TRIGGER_WAIT_SECONDS
        while True:
            record = await self._reader.record_of(await handle.describe())
            if record.runs > description.info.num_actions or loop.time() >= deadline:
                return record
            await asyncio.sleep(0.1)

    async def delete(self, user_id: str, schedule_id: str) -> None:
        """Removes the schedule; the jobs it started stay, as the user's jobs."""
        handle = await self._reader.owned(user_id, schedule_id)
        await handle.delete()

    async def _job(self, user_id: str, spec: dict[str, Any], schedule_id: str) -> JobWorkflowInput:
        """The workflow input every run starts with, from a spec checked as a submit checks
        one (``InvalidSpec`` before anything exists). The user's default webhook is the one
        set when the schedule is saved."""
        parsed = self.registry.parse_spec(spec)
        webhook = await self._starter.user_webhook(user_id, parsed)
        return self._starter.workflow_input(
            user_id, parsed, new_job_id(), schedule_id=schedule_id, user_webhook=webhook
        )

    async def _check_cap(self, user_id: str) -> None:
        cap = self.settings.schedules_per_user
        if len(await self._reader.ids(user_id)) >= cap:
            raise InvalidSchedule(f"at most {cap} schedules per user; delete one first")


def _timetable(request: ScheduleChange) -> Timetable:
    return Timetable(
        cron=request.cron,
        interval_seconds=request.interval_seconds,
        time_zone=request.time_zone or "UTC",
        note=request.note,
    )


def _merged(current: ScheduleRecord, change: ScheduleChange) -> Timetable:
    """The current timetable with the change's fields; a cron replaces an interval, and back."""
    replaced = change.cron is not None or change.interval_seconds is not None
    return Timetable(
        cron=change.cron if replaced else current.cron,
        interval_seconds=change.interval_seconds if replaced else current.interval_seconds,
        time_zone=change.time_zone or current.time_zone,
        note=change.note if "note" in change.model_fields_set else current.note,
    )


def _note(verb: str, user_id: str, reason: str | None) -> str:
    return f"{verb} by {user_id}" + (f": {reason}" if reason else "")
