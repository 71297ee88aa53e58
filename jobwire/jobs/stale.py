"""Running jobs whose phase has gone silent: what an operator looks at after a worker dies.

Temporal keeps, for each pending activity, when its worker last heartbeated
(``last_heartbeat_time``, or ``last_started_time`` before the first beat). A phase silent
for longer than the threshold has lost its worker, or has one that hangs; the heartbeat
timeout retries it, and this listing says which jobs are in that gap or keep falling into it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import Client, WorkflowExecutionDescription

from jobwire.contract.records import StaleJob, StaleJobs
from jobwire.contract.states import JobState
from jobwire.jobs.visibility_query import user_jobs

STALE_SCAN_LIMIT = 200
"""Running jobs of one user looked at per call: each costs Temporal one describe."""
_CONCURRENT_DESCRIBES = 8


async def stale_jobs(temporal: Client, user_id: str, older_than: timedelta) -> StaleJobs:
    """The user's running jobs whose phase has not heartbeated for longer than ``older_than``,
    most silent first."""
    running = [
        execution.id
        async for execution in temporal.list_workflows(
            user_jobs(user_id, state=JobState.RUNNING), limit=STALE_SCAN_LIMIT
        )
    ]
    gate = asyncio.Semaphore(_CONCURRENT_DESCRIBES)

    async def describe(job_id: str) -> WorkflowExecutionDescription:
        async with gate:
            return await temporal.get_workflow_handle(job_id).describe()

    descriptions = await asyncio.gather(*(describe(job_id) for job_id in running))
    now = datetime.now(UTC)
    items = [
        job
        for description in descriptions
        for job in _silent_phases(description, now)
        if now - job.last_heartbeat_at > older_than
    ]
    items.sort(key=lambda job: job.last_heartbeat_at)
    return StaleJobs(older_than_seconds=older_than.total_seconds(), items=items)


def _silent_phases(description: WorkflowExecutionDescription, now: datetime) -> list[StaleJob]:
    found = []
    for activity in description.raw_description.pending_activities:
        if activity.state != PendingActivityState.PENDING_ACTIVITY_STATE_STARTED:
            continue
        beat = activity.last_heartbeat_time if activity.HasField("last_heartbeat_time") else None
        if beat is None and activity.HasField("last_started_time"):
            beat = activity.last_started_time
        if beat is None:
            continue
        last = beat.ToDatetime(tzinfo=UTC)
        found.append(
            StaleJob(
                job_id=description.id,
                phase=activity.activity_type.name.rsplit(".", 1)[-1],
                attempt=activity.attempt,
                worker=activity.last_worker_identity or None,
                last_heartbeat_at=last,
                silent_seconds=round((now - last).total_seconds(), 1),
            )
        )
    return found
