"""When a schedule runs: its timetable as Temporal's spec, and the bounds it must keep.

Temporal parses cron expressions itself (and keeps only what it compiled them to), so a cron
is checked by Temporal's own parser: a throwaway paused schedule answers whether it parses
and when its next runs would be, and is deleted at once. No job is ever started by it, and a
refused timetable leaves nothing behind.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    ScheduleSpec,
    ScheduleState,
)
from temporalio.service import RPCError, RPCStatusCode

from jobwire.contract.schedules import Overlap, Timetable
from jobwire.contract.workflow_api import WORKFLOW_NAME
from jobwire.errors import InvalidSchedule

TEMPORAL_OVERLAP = {
    Overlap.SKIP: ScheduleOverlapPolicy.SKIP,
    Overlap.BUFFER_ONE: ScheduleOverlapPolicy.BUFFER_ONE,
    Overlap.BUFFER_ALL: ScheduleOverlapPolicy.BUFFER_ALL,
    Overlap.CANCEL_OTHER: ScheduleOverlapPolicy.CANCEL_OTHER,
    Overlap.TERMINATE_OTHER: ScheduleOverlapPolicy.TERMINATE_OTHER,
    Overlap.ALLOW_ALL: ScheduleOverlapPolicy.ALLOW_ALL,
}
OVERLAP_OF_TEMPORAL = {policy: overlap for overlap, policy in TEMPORAL_OVERLAP.items()}

PROBE_PREFIX = "jobwire-cron-probe-"
"""Names the throwaway schedule that checks a cron, should one ever outlive its check."""


def temporal_spec(timetable: Timetable) -> ScheduleSpec:
    if timetable.cron is not None:
        return ScheduleSpec(cron_expressions=[timetable.cron], time_zone_name=timetable.time_zone)
    assert timetable.interval_seconds is not None
    every = ScheduleIntervalSpec(every=timedelta(seconds=timetable.interval_seconds))
    return ScheduleSpec(intervals=[every], time_zone_name=timetable.time_zone)


def closest_gap(times: Sequence[datetime]) -> timedelta | None:
    """The shortest time between two consecutive runs; None with fewer than two."""
    ordered = sorted(times)
    gaps = [later - earlier for earlier, later in itertools.pairwise(ordered)]
    return min(gaps) if gaps else None


async def check_timetable(temporal: Client, timetable: Timetable, minimum_seconds: int) -> None:
    """Refuses (``InvalidSchedule``) an interval under the minimum, a cron Temporal cannot
    parse, and a cron whose next runs come closer together than the minimum."""
    if timetable.interval_seconds is not None:
        if timetable.interval_seconds < minimum_seconds:
            raise InvalidSchedule(
                f"runs at most every {minimum_seconds} s", field="interval_seconds"
            )
        return
    gap = closest_gap(await _next_times(temporal, timetable))
    if gap is not None and gap < timedelta(seconds=minimum_seconds):
        raise InvalidSchedule(
            f"this cron runs every {gap.total_seconds():g} s; at most every {minimum_seconds} s",
            field="cron",
        )


async def _next_times(temporal: Client, timetable: Timetable) -> Sequence[datetime]:
    """The cron's next run times, as Temporal computes them, from a paused throwaway."""
    probe = ScheduleActionStartWorkflow(
        WORKFLOW_NAME, id=f"{PROBE_PREFIX}run", task_queue=f"{PROBE_PREFIX}never"
    )
    try:
        handle = await temporal.create_schedule(
            f"{PROBE_PREFIX}{uuid.uuid4()}",
            Schedule(action=probe, spec=temporal_spec(timetable), state=ScheduleState(paused=True)),
        )
    except RPCError as exc:
        if exc.status is RPCStatusCode.INVALID_ARGUMENT:
            raise InvalidSchedule(_reason(exc.message), field=_field_of(exc.message)) from None
        raise
    try:
        return (await handle.describe()).info.next_action_times
    finally:
        await handle.delete()


def _reason(message: str) -> str:
    return message.removeprefix("Invalid schedule spec: ")


def _field_of(message: str) -> str:
    return "time_zone" if "time zone" in message or "timezone" in message else "cron"
