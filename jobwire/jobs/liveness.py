"""Whether any worker polls the task queue, as Temporal sees it.

Temporal records the time of each poll a worker makes on a task queue (``last_access_time``
in ``DescribeTaskQueue``) and forgets a poller five minutes after its last poll. A live but
idle worker renews its poll once per long poll (up to a minute on a default server), so a
queue counts as served while some poller was seen within ``worker_seen_within_seconds``:
silence past that means no worker is there and jobs wait.

That window is a minute long, so each ``jobwire worker`` also renews its presence in Redis
every few seconds (``worker_presence``): a worker that stops renewing is gone within the
presence TTL, and its pollers, which Temporal keeps listing for a minute, no longer count. A
poller Redis knows nothing of (a worker built without presence) still counts by Temporal's
rule, and with Redis down or absent Temporal's pollers are the whole answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from jobwire.jobs.worker_presence import Presence, read_presence
from jobwire.settings import Settings

log = logging.getLogger(__name__)

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

    def __init__(self, client: Client, settings: Settings, redis: Redis | None = None) -> None:
        self._client = client
        self._settings = settings
        self._redis = redis
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
        polls_of = asyncio.gather(*(self._polls(kind) for kind in _QUEUE_TYPES))
        presence, polls = await asyncio.gather(self._presence(), polls_of)
        known = presence.known if presence is not None else frozenset()
        latest = [_latest(by_worker, ignored=known) for by_worker in polls]
        window = timedelta(seconds=self._settings.worker_seen_within_seconds)
        now = datetime.now(UTC)
        seen = [poll for poll in latest if poll is not None]
        oldest = min(seen) if len(seen) == len(latest) else None
        polling = oldest is not None and now - oldest <= window
        if presence is None or not presence.known:
            return WorkerLiveness(polling=polling, last_seen=oldest)
        # Redis knows this queue's workers: one renewed within the TTL is there, one that
        # stopped renewing is gone, whatever Temporal still lists for it.
        last_seen = max(filter(None, (presence.last_seen, oldest)))
        return WorkerLiveness(polling=polling or bool(presence.live), last_seen=last_seen)

    async def _presence(self) -> Presence | None:
        """The workers' presence in Redis; None without Redis or when it does not answer."""
        if self._redis is None:
            return None
        try:
            return await read_presence(
                self._redis, self._settings.task_queue, self._settings.worker_presence_ttl_seconds
            )
        except Exception as exc:  # Redis down must never hide what Temporal knows
            log.warning("worker presence unreadable, using Temporal's pollers: %s", exc)
            return None

    async def _polls(self, queue_type: TaskQueueType.ValueType) -> dict[str, datetime]:
        """Each poller's last poll of this queue type, by worker identity."""
        request = DescribeTaskQueueRequest(
            namespace=self._client.namespace,
            task_queue=TaskQueue(
                name=self._settings.task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL
            ),
            task_queue_type=queue_type,
        )
        response = await self._client.workflow_service.describe_task_queue(request)
        return {
            poller.identity: poller.last_access_time.ToDatetime(tzinfo=UTC)
            for poller in response.pollers
            if poller.HasField("last_access_time")
        }


def _latest(polls: dict[str, datetime], *, ignored: frozenset[str]) -> datetime | None:
    """The newest poll by a worker not in ``ignored`` (workers whose presence in Redis says
    for itself whether they are alive)."""
    return max((seen for who, seen in polls.items() if who not in ignored), default=None)
