"""A user's schedules, read from Temporal: one described, or all of them listed.

A schedule belongs to the user in its ``JobUserId`` search attribute; every read checks it and
answers ``ScheduleNotFound`` otherwise, so another user's schedule looks like a missing one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import (
    Client,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleDescription,
    ScheduleHandle,
)
from temporalio.service import RPCError, RPCStatusCode

from jobwire.contract.schedules import (
    SchedulePage,
    ScheduleRecord,
    ScheduleRun,
    Timetable,
    is_schedule_id,
)
from jobwire.contract.workflow_api import SA_USER_ID, WORKFLOW_NAME
from jobwire.errors import ScheduleNotFound
from jobwire.jobs.visibility_query import quote
from jobwire.schedules.building import TIMETABLE_MEMO
from jobwire.schedules.timetable import OVERLAP_OF_TEMPORAL


class ScheduleReader:
    def __init__(self, temporal: Client) -> None:
        self.temporal = temporal

    async def owned(self, user_id: str, schedule_id: str) -> ScheduleHandle:
        """The schedule's handle if it exists and is ``user_id``'s; ``ScheduleNotFound``
        otherwise (an id that cannot be a schedule's is not asked for)."""
        await self.describe(user_id, schedule_id)
        return self.temporal.get_schedule_handle(schedule_id)

    async def describe(self, user_id: str, schedule_id: str) -> ScheduleDescription:
        if not is_schedule_id(schedule_id):
            raise ScheduleNotFound(schedule_id)
        try:
            description = await self.temporal.get_schedule_handle(schedule_id).describe()
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise ScheduleNotFound(schedule_id) from None
            raise
        action = description.schedule.action
        owner = description.typed_search_attributes.get(SA_USER_ID)
        ours = isinstance(action, ScheduleActionStartWorkflow) and action.workflow == WORKFLOW_NAME
        if owner != user_id or not ours:
            raise ScheduleNotFound(schedule_id)
        return description

    async def get(self, user_id: str, schedule_id: str) -> ScheduleRecord:
        return await self.record_of(await self.describe(user_id, schedule_id))

    async def ids(self, user_id: str) -> list[str]:
        """The user's schedule ids; visibility may trail a create or delete by a moment."""
        query = f"{SA_USER_ID.name} = {quote(user_id)}"
        return [
            listed.id
            async for listed in await self.temporal.list_schedules(query)
            if is_schedule_id(listed.id)
        ]

    async def list(self, user_id: str) -> SchedulePage:
        """Every schedule of the user, described (their timetables and runs), newest first."""

        async def one(schedule_id: str) -> ScheduleRecord | None:
            try:
                return await self.get(user_id, schedule_id)
            except ScheduleNotFound:  # deleted since it was listed
                return None

        found = await asyncio.gather(*(one(i) for i in await self.ids(user_id)))
        items = [record for record in found if record is not None]
        items.sort(key=lambda record: record.created_at, reverse=True)
        return SchedulePage(items=items)

    async def record_of(self, description: ScheduleDescription) -> ScheduleRecord:
        schedule, info = description.schedule, description.info
        memo = await self._action_memo(description)
        timetable = Timetable.model_validate(memo.get(TIMETABLE_MEMO, {}))
        spec = memo.get("spec", {})
        return ScheduleRecord(
            schedule_id=description.id,
            user_id=description.typed_search_attributes.get(SA_USER_ID) or "",
            type=str(spec.get("type", "")) if isinstance(spec, dict) else "",
            spec=spec if isinstance(spec, dict) else {},
            cron=timetable.cron,
            interval_seconds=timetable.interval_seconds,
            time_zone=timetable.time_zone,
            overlap=OVERLAP_OF_TEMPORAL[schedule.policy.overlap],
            note=timetable.note,
            paused=schedule.state.paused,
            state_note=schedule.state.note or None,
            next_runs=list(info.next_action_times),
            recent_runs=[
                ScheduleRun(
                    job_id=result.action.workflow_id,
                    scheduled_at=result.scheduled_at,
                    started_at=result.started_at,
                )
                for result in info.recent_actions
                if isinstance(result.action, ScheduleActionExecutionStartWorkflow)
            ],
            running_jobs=[
                running.workflow_id
                for running in info.running_actions
                if isinstance(running, ScheduleActionExecutionStartWorkflow)
            ],
            runs=info.num_actions,
            created_at=info.created_at,
            updated_at=info.last_updated_at,
        )

    async def _action_memo(self, description: ScheduleDescription) -> dict[str, Any]:
        action = description.schedule.action
        fields = action.memo if isinstance(action, ScheduleActionStartWorkflow) else None
        memo: dict[str, Any] = {}
        for key, payload in (fields or {}).items():
            decoded = await self.temporal.data_converter.decode([payload])
            memo[key] = decoded[0] if decoded else None
        return memo
