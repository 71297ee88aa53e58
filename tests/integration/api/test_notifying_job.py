"""A job that has ended while its webhook is still being retried: its run stays open for the
deliveries (minutes, with the default policy), yet it is an ended job to its user. Delete and
fork treat it as one, at once, instead of a 409 that names an ended state."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from bench.support.counting import counting_registry, processed_items
from jobwire.contract.records import ForkOrigin, JobRecord
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.helpers import assert_eventually, refused_port
from tests.support.api_stack import Api, api_stack

pytestmark = pytest.mark.integration


@pytest.fixture
def refused() -> Iterator[int]:
    with refused_port() as port:
        yield port


@pytest_asyncio.fixture
async def api(
    settings: Settings, temporal_client: Client, redis: Redis, refused: int
) -> AsyncIterator[Api]:
    """Deliveries retried for far longer than any test waits."""
    slow = settings.model_copy(
        update={
            "webhook_retry_initial_interval_seconds": 30.0,
            "webhook_maximum_attempts": 5,
        }
    )
    async with api_stack(slow, temporal_client, redis, counting_registry()) as running:
        yield running


async def ended_and_notifying(api: Api, refused: int) -> str:
    """A completed job whose only delivery failed once and waits 30 s for its next try."""
    spec = {"type": "count", "items": 2, "webhook": {"url": f"http://127.0.0.1:{refused}/hook"}}
    async with api.client() as http:
        job_id = str((await http.post("/api/jobs", json=spec)).json()["job_id"])
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
    description = await api.temporal.get_workflow_handle(job_id).describe()
    assert description.status is WorkflowExecutionStatus.RUNNING, "it still delivers"
    return job_id


async def test_an_ended_job_still_delivering_its_webhook_is_deleted_without_force(
    api: Api, refused: int
) -> None:
    job_id = await ended_and_notifying(api, refused)
    async with api.client() as http:
        deleted = await http.delete(f"/api/jobs/{job_id}")
        assert deleted.status_code == 204, deleted.text
        assert (await http.get(f"/api/jobs/{job_id}")).status_code == 404
    try:
        status = (await api.temporal.get_workflow_handle(job_id).describe()).status
    except RPCError as exc:  # Temporal deleted it already
        assert exc.status is RPCStatusCode.NOT_FOUND, exc
    else:
        assert status is not WorkflowExecutionStatus.RUNNING, "its delivery went with it"


async def test_an_ended_job_still_delivering_its_webhook_is_forked_at_once(
    api: Api, refused: int
) -> None:
    job_id = await ended_and_notifying(api, refused)
    async with api.client() as http:
        answer = await http.post(f"/api/jobs/{job_id}/fork", json={"from_phase": "summarize"})
        assert answer.status_code == 201, answer.text
        fork = JobRecord.model_validate(answer.json())
        assert fork.forked_from == ForkOrigin(job_id=job_id, phase="summarize")
        done = await api.wait_for_state(http, fork.job_id, JobState.COMPLETED)
    assert done.result == {"total": 2, "after": ["count"]}


async def test_a_failed_job_still_delivering_its_webhook_resumes_from_its_checkpoint(
    api: Api, refused: int
) -> None:
    """The resume stops the deliveries still waiting for their next attempt, so the run
    closes as failed (not terminated: its checkpoint is in that failure) and the next run goes
    on from it; the record shows the stopped delivery. Before, the resume waited 10 s for
    the run to close and answered 409."""
    spec = {
        "type": "count",
        "items": 6,
        "fail_at": 3,
        "force": True,
        "webhook": {"url": f"http://127.0.0.1:{refused}/hook"},
    }
    async with api.client() as http:
        job_id = str((await http.post("/api/jobs", json=spec)).json()["job_id"])
        await api.wait_for_state(http, job_id, JobState.FAILED)
        failed_run = await api.temporal.get_workflow_handle(job_id).describe()
        assert failed_run.status is WorkflowExecutionStatus.RUNNING, "it still delivers"

        resumed = await http.post(f"/api/jobs/{job_id}/resume")
        assert resumed.status_code == 202, resumed.text
        record = JobRecord.model_validate(resumed.json())
        assert record.state is JobState.RUNNING
        assert record.webhook is not None and not record.webhook.delivered
        assert record.webhook.error is not None and "stopped" in record.webhook.error
        closed = await api.temporal.get_workflow_handle(job_id, run_id=failed_run.run_id).describe()
        assert closed.status is WorkflowExecutionStatus.FAILED

        async def next_run_failed() -> bool:
            record = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
            return record.state is JobState.FAILED and record.run_id != failed_run.run_id

        await assert_eventually(next_run_failed, timeout=60, message="the next run never ended")
    assert await processed_items(api.redis, job_id) == [0, 1, 2], "went on from its checkpoint"
