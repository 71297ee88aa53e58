"""A job's record says since when it waits for a worker and when its phase last heartbeated,
from what Temporal's description of the workflow holds."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.enums.v1 import PendingActivityState, PendingWorkflowTaskState
from temporalio.api.workflow.v1 import PendingActivityInfo, PendingWorkflowTaskInfo
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionResponse

from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.jobs.reading import _with_queue_view

SCHEDULED = datetime(2026, 12, 1, 5, 40, tzinfo=UTC)
BEAT = datetime(2026, 12, 1, 5, 41, tzinfo=UTC)


def _ts(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _record(state: JobState) -> JobRecord:
    now = datetime.now(UTC)
    return JobRecord(
        job_id="job-1",
        user_id="u",
        type="count",
        state=state,
        spec={},
        created_at=now,
        updated_at=now,
    )


def _described(**raw: Any) -> Any:
    return SimpleNamespace(raw_description=DescribeWorkflowExecutionResponse(**raw))


def test_a_phase_retry_no_worker_took_shows_since_when_it_waits() -> None:
    waiting = PendingActivityInfo(
        state=PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
        scheduled_time=_ts(SCHEDULED),
        last_heartbeat_time=_ts(BEAT),
    )
    record = _with_queue_view(_record(JobState.RUNNING), _described(pending_activities=[waiting]))
    assert record.waiting_for_worker_since == SCHEDULED


def test_a_running_phase_shows_its_last_heartbeat_and_no_wait() -> None:
    running = PendingActivityInfo(
        state=PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        scheduled_time=_ts(SCHEDULED),
        last_heartbeat_time=_ts(BEAT),
    )
    record = _with_queue_view(_record(JobState.RUNNING), _described(pending_activities=[running]))
    assert record.waiting_for_worker_since is None
    assert record.last_heartbeat_at == BEAT


def test_a_created_job_whose_first_task_no_worker_took_waits_since_it_was_scheduled() -> None:
    task = PendingWorkflowTaskInfo(
        state=PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
        scheduled_time=_ts(BEAT),
        original_scheduled_time=_ts(SCHEDULED),
    )
    record = _with_queue_view(_record(JobState.CREATED), _described(pending_workflow_task=task))
    assert record.waiting_for_worker_since == SCHEDULED
