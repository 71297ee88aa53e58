"""Whether any worker polls the task queue, as Temporal sees it.

Temporal records the time of each poll a worker makes on a task queue (``last_access_time``
in ``DescribeTaskQueue``) and forgets a poller five minutes after its last poll. A live but
idle worker renews its poll once per long poll (up to a minute on a default server), so a
queue counts as served while some poller was seen within ``worker_seen_within_seconds``:
silence past that means no worker is there and jobs wait.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from jobwire.settings import Settings

NO_WORKER_MESSAGE = "no worker is running: jobs wait"

# A job needs both: its workflow tasks and its phases (activities) run on this queue.
_QUEUE_TYPES = (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)


@dataclass(frozen=True)
class WorkerLiveness:
    """One look at the task queue: whether workers poll it and when one last did."""

    polling: bool
    last_seen: datetime | None
    """The newest poll on the queue type that has gone longest without one; None when
    Temporal remembers no poller at all (none in its last five minutes)."""

    def summary(self) -> str:
        """The readiness check's words: ``ok`` or since when no worker has polled."""
        if self.polling:
            return "ok"
        if self.last_seen is None:
            return "none in the last 5 minutes"
        return f"none since {self.last_seen.isoformat(timespec='seconds')}"


class TaskQueueLiveness:
    """Asks Temporal at most once per ``worker_liveness_cache_seconds``, so readiness probes
    and every console's meta polling cost the server one describe per interval per replica."""

    def __init__(self, client: Client, settings: Settings) -> None:
        self._client = client
        self._settings = settings
        self._lock = asyncio.Lock()
        self._cached: WorkerLiveness | None = None
        self._expires = 0.0

    async def current(self) -> WorkerLiveness:
        async with self._lock:
            if self._cached is None or time.monotonic() >= self._expires:
                self._cached = await self._describe()
                self._expires = time.monotonic() + self._settings.worker_liveness_cache_seconds
            return self._cached

    async def _describe(self) -> WorkerLiveness:
        latest = await asyncio.gather(*(self._latest_poll(kind) for kind in _QUEUE_TYPES))
        window = timedelta(seconds=self._settings.worker_seen_within_seconds)
        now = datetime.now(UTC)
        seen = [poll for poll in latest if poll is not None]
        oldest = min(seen) if len(seen) == len(latest) else None
        polling = oldest is not None and now - oldest <= window
        return WorkerLiveness(polling=polling, last_seen=oldest)

    async def _latest_poll(self, queue_type: TaskQueueType.ValueType) -> datetime | None:
        request = DescribeTaskQueueRequest(
            namespace=self._client.namespace,
            task_queue=TaskQueue(
                name=self._settings.task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL
            ),
            task_queue_type=queue_type,
        )
        response = await self._client.workflow_service.describe_task_queue(request)
        polls = [
            poller.last_access_time.ToDatetime(tzinfo=UTC)
            for poller in response.pollers
            if poller.HasField("last_access_time")
        ]
        return max(polls, default=None)
