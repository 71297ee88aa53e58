"""The two plain-Temporal peers, as clients: (b) polling a workflow query, (c) subscribing to
the workflow's Workflow Stream (``temporalio.contrib.workflow_streams``, experimental)."""

from __future__ import annotations

import asyncio
import time
import uuid

from redis.asyncio import Redis
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.workflow_streams import WorkflowStreamClient

from bench.peers.measure import Peer
from bench.peers.shape import (
    HEARTBEAT_TIMEOUT,
    RETRY_INITIAL_SECONDS,
    JobShape,
    Progress,
    Watched,
    processed,
)
from bench.peers.temporal_activities import PROGRESS_TOPIC
from bench.peers.temporal_workflows import CountJob, QueriedCountWorkflow, StreamedCountWorkflow
from bench.peers.workers import kill_job_worker

IDLE_QUEUE = "bench-nobody"


def count_job(shape: JobShape) -> CountJob:
    return CountJob(
        items=shape.items,
        item_seconds=shape.item_seconds,
        heartbeat_timeout=HEARTBEAT_TIMEOUT,
        retry_initial_seconds=RETRY_INITIAL_SECONDS,
    )


class _TemporalPeer(Peer):
    workflow: type[QueriedCountWorkflow] | type[StreamedCountWorkflow]

    def __init__(self, client: Client, redis: Redis, task_queue: str) -> None:
        self.client = client
        self.redis = redis
        self.task_queue = task_queue

    async def start_job(self, shape: JobShape) -> str:
        return await self._start(shape, self.task_queue)

    async def submit_idle(self, shape: JobShape) -> None:
        await self._start(shape, IDLE_QUEUE)

    async def _start(self, shape: JobShape, task_queue: str) -> str:
        handle = await self.client.start_workflow(
            self.workflow.run,
            count_job(shape),
            id=f"peer-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        return handle.id

    async def finished(self, job_id: str) -> tuple[bool, str]:
        status = (await self.client.get_workflow_handle(job_id).describe()).status
        name = status.name.lower() if status is not None else "unknown"
        return status == WorkflowExecutionStatus.COMPLETED, name

    async def kill_worker(self, job_id: str) -> None:
        await kill_job_worker(self.client, job_id)

    async def processed(self, job_id: str) -> list[int]:
        return await processed(self.redis, job_id)

    async def history_length(self, job_id: str) -> int:
        return (await self.client.get_workflow_handle(job_id).describe()).history_length


class QueriedPeer(_TemporalPeer):
    """(b) The activity signals each item's progress; the client polls the query."""

    name = "Temporal, query polled"
    workflow = QueriedCountWorkflow

    def __init__(self, client: Client, redis: Redis, task_queue: str, poll: float) -> None:
        super().__init__(client, redis, task_queue)
        self.poll = poll

    async def watch(self, job_id: str, watched: Watched, deadline: float) -> None:
        handle = self.client.get_workflow_handle(job_id)
        while time.monotonic() < deadline:
            progress = await handle.query(QueriedCountWorkflow.progress)
            if progress is not None:
                watched.saw(progress.done, progress.ts, time.time())
                if progress.done >= progress.total:
                    watched.finished = True
                    return
            await asyncio.sleep(self.poll)


class StreamedPeer(_TemporalPeer):
    """(c) The activity publishes each item's progress to the workflow's stream (flushed at
    once); each client is a ``WorkflowStreamClient`` subscriber with its default 100 ms poll
    cooldown."""

    name = "Temporal Workflow Streams"
    workflow = StreamedCountWorkflow

    async def watch(self, job_id: str, watched: Watched, deadline: float) -> None:
        stream = WorkflowStreamClient.create(self.client, job_id)
        subscription = stream.topic(PROGRESS_TOPIC, type=Progress).subscribe()
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                try:
                    item = await asyncio.wait_for(anext(subscription), left)
                except (StopAsyncIteration, TimeoutError):
                    return
                progress = item.data
                watched.saw(progress.done, progress.ts, time.time())
                if progress.done >= progress.total:
                    watched.finished = True
                    return
        finally:
            await subscription.aclose()  # type: ignore[attr-defined]
