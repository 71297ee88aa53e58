"""The counting activity of the two plain-Temporal peers, written as a Temporal user would.

Both heartbeat the next item as their checkpoint and resume from it after a crash, as the
SDK's own samples do; they differ only in how progress leaves the activity: a signal to the
workflow, which a client then reads with a query, or a publish to the workflow's stream.

Running an attempt twice redoes the items after the last heartbeat that reached the server;
each is appended to the job's Redis list again, which is what the crash figure counts.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from temporalio import activity
from temporalio.contrib.workflow_streams import WorkflowStreamClient

from bench.peers.shape import Progress, record_item

PROGRESS_SIGNAL = "progress"
PROGRESS_TOPIC = "progress"


@dataclass
class CountTask:
    job_id: str
    items: int
    item_seconds: float


class CountActivities:
    """The worker's Redis client, shared by every activity it runs."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @activity.defn(name="peer_count_signalled")
    async def count_signalled(self, task: CountTask) -> int:
        """Counts, signalling each item's progress to the workflow (read by its query)."""
        handle = activity.client().get_workflow_handle(activity.info().workflow_id or "")

        async def report(progress: Progress) -> None:
            await handle.signal(PROGRESS_SIGNAL, progress)

        return await self._count(task, report)

    @activity.defn(name="peer_count_streamed")
    async def count_streamed(self, task: CountTask) -> int:
        """Counts, publishing each item's progress to the workflow's stream at once."""
        stream = WorkflowStreamClient.from_within_activity()
        topic = stream.topic(PROGRESS_TOPIC, type=Progress)

        async def report(progress: Progress) -> None:
            topic.publish(progress)
            await stream.flush()

        # Not ``async with stream`` and ``publish(..., force_flush=True)``: on Python 3.11 the
        # context's exit cancels its flusher just after the last forced flush woke it, and
        # 3.11's ``asyncio.wait_for`` swallows that cancellation, so the exit never returns
        # and the attempt only ends when its heartbeat times out (seen here: every job took
        # the heartbeat timeout plus a retry longer than its work). An explicit flush per
        # item sends the same one signal per report, and leaves no background task.
        return await self._count(task, report)

    async def _count(self, task: CountTask, report: Callable[[Progress], Awaitable[None]]) -> int:
        details = activity.info().heartbeat_details
        start = int(details[0]) if details else 0
        for item in range(start, task.items):
            await asyncio.sleep(task.item_seconds)
            await record_item(self.redis, task.job_id, item)
            activity.heartbeat(item + 1)
            await report(Progress(done=item + 1, total=task.items, ts=time.time(), pid=os.getpid()))
        return task.items
