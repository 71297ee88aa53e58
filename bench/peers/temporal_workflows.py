"""The two plain-Temporal peers' workflows: one activity, progress kept for a query or
carried by Temporal's own Workflow Streams. No I/O here: this runs in the sandbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from temporalio.contrib.workflow_streams import WorkflowStream

    from bench.peers.shape import Progress
    from bench.peers.temporal_activities import PROGRESS_SIGNAL, CountActivities, CountTask


@dataclass
class CountJob:
    items: int
    item_seconds: float
    heartbeat_timeout: float
    retry_initial_seconds: float


def _task(job: CountJob) -> CountTask:
    return CountTask(
        job_id=workflow.info().workflow_id, items=job.items, item_seconds=job.item_seconds
    )


def _retry(job: CountJob) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=job.retry_initial_seconds),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=30),
    )


@workflow.defn(name="PeerCountQueried")
class QueriedCountWorkflow:
    """Progress arrives by signal from the activity; clients poll ``progress``."""

    def __init__(self) -> None:
        self._progress: Progress | None = None

    @workflow.run
    async def run(self, job: CountJob) -> int:
        return await workflow.execute_activity_method(
            CountActivities.count_signalled,
            _task(job),
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(seconds=job.heartbeat_timeout),
            retry_policy=_retry(job),
        )

    @workflow.signal(name=PROGRESS_SIGNAL)
    def report(self, progress: Progress) -> None:
        if self._progress is None or progress.done > self._progress.done:
            self._progress = progress

    @workflow.query
    def progress(self) -> Progress | None:
        return self._progress


@workflow.defn(name="PeerCountStreamed")
class StreamedCountWorkflow:
    """Hosts a Workflow Stream the activity publishes to; clients subscribe to it."""

    @workflow.init
    def __init__(self, job: CountJob) -> None:
        self.stream = WorkflowStream()

    @workflow.run
    async def run(self, job: CountJob) -> int:
        counted = await workflow.execute_activity_method(
            CountActivities.count_streamed,
            _task(job),
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(seconds=job.heartbeat_timeout),
            retry_policy=_retry(job),
        )
        # Release the subscribers' waiting polls before closing, as the library asks.
        self.stream.detach_pollers()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return counted
