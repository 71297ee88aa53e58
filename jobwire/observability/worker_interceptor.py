"""A Temporal worker interceptor that records ``WorkerMetrics`` where each moment happens.

Phase attempts are seen as their activities run (the activity's type is ``<job type>.<phase>``).
A job's end is seen as its workflow hands the final event to the publish activity: the
workflow knows the job's type and creation time there, and only there. That hook runs in the
workflow sandbox, so it records nothing while the workflow replays: a job counts once, when it
really ends (twice at worst, if its worker dies between the end and the task's completion).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import activity, workflow
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    ExecuteWorkflowInput,
    Interceptor,
    StartLocalActivityInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.workflow_api import PUBLISH_ACTIVITY, JobWorkflowInput
from jobwire.observability.worker_metrics import WorkerMetrics, worker_metrics

ENDS = {
    EventType.COMPLETED: "completed",
    EventType.FAILED: "failed",
    EventType.CANCELLED: "cancelled",
}


class MetricsInterceptor(Interceptor):
    """Hand to ``Worker(interceptors=[...])``; records into ``metrics``."""

    def __init__(self, metrics: WorkerMetrics = worker_metrics) -> None:
        self.metrics = metrics

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _PhaseAttempts(next, self.metrics)

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        metrics = self.metrics

        class _Bound(_JobEnds):
            def __init__(self, next: WorkflowInboundInterceptor) -> None:
                super().__init__(next, metrics)

        return _Bound


class _PhaseAttempts(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, metrics: WorkerMetrics) -> None:
        super().__init__(next)
        self.metrics = metrics

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        job_type, _, phase = info.activity_type.partition(".")
        is_phase = bool(phase) and not info.is_local
        if is_phase:
            waited = (info.started_time - info.current_attempt_scheduled_time).total_seconds()
            self.metrics.queue_wait.labels(type=job_type).observe(max(waited, 0.0))
            retry = "true" if info.attempt > 1 else "false"
            self.metrics.phase_attempts.labels(type=job_type, phase=phase, retry=retry).inc()
        try:
            return await self.next.execute_activity(input)
        except Exception as exc:
            error_type = exc.type if isinstance(exc, ApplicationError) and exc.type else None
            reason = error_type or type(exc).__name__
            self.metrics.temporal_errors.labels(
                kind="activity", operation=info.activity_type, reason=reason
            ).inc()
            if is_phase:
                self.metrics.phase_failures.labels(
                    type=job_type, phase=phase, error_type=reason
                ).inc()
            raise


class _JobEnds(WorkflowInboundInterceptor):
    def __init__(self, next: WorkflowInboundInterceptor, metrics: WorkerMetrics) -> None:
        super().__init__(next)
        self.metrics = metrics
        self.job: JobWorkflowInput | None = None

    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        super().init(_EndSeen(outbound, self))

    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        first = input.args[0] if input.args else None
        self.job = first if isinstance(first, JobWorkflowInput) else None
        return await self.next.execute_workflow(input)

    def ended(self, draft: EventDraft) -> None:
        outcome = ENDS.get(draft.type)
        if outcome is None or self.job is None or workflow.unsafe.is_replaying():
            return
        error = draft.data.get("error") if outcome == "failed" else None
        error_type = str(error.get("type", "")) if isinstance(error, dict) else ""
        self.metrics.job_ends.labels(
            type=self.job.type, outcome=outcome, error_type=error_type
        ).inc()
        duration = (draft.ts - self._created_at()).total_seconds()
        self.metrics.job_duration.labels(type=self.job.type, outcome=outcome).observe(
            max(duration, 0.0)
        )

    def _created_at(self) -> datetime:
        carried = self.job.carried if self.job is not None else None
        return carried.record.created_at if carried is not None else workflow.info().start_time


class _EndSeen(WorkflowOutboundInterceptor):
    def __init__(self, next: WorkflowOutboundInterceptor, root: _JobEnds) -> None:
        super().__init__(next)
        self.root = root

    def start_local_activity(self, input: StartLocalActivityInput) -> workflow.ActivityHandle[Any]:
        if input.activity == PUBLISH_ACTIVITY and input.args:
            draft = input.args[0]
            if isinstance(draft, EventDraft):
                self.root.ended(draft)
        return super().start_local_activity(input)
