"""``bench.api`` ends the jobs its POST rows started before it measures reads: one batch
termination on the real dev server ends every running job of that user, and no other's."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from bench.api import end_backlog
from jobwire.contract.workflow_api import SA_USER_ID, WORKFLOW_NAME, new_job_id
from tests.helpers import assert_eventually

pytestmark = pytest.mark.integration


async def unserved_job(temporal: Client, user_id: str) -> str:
    """A job no worker will run: it stays running until something ends it."""
    job_id = new_job_id()
    await temporal.start_workflow(
        WORKFLOW_NAME,
        id=job_id,
        task_queue=f"nobody-{uuid.uuid4()}",
        search_attributes=TypedSearchAttributes([SearchAttributePair(SA_USER_ID, user_id)]),
    )
    return job_id


async def test_the_backlog_of_one_user_is_terminated_and_no_one_elses(
    temporal_client: Client,
) -> None:
    flooder, bystander = f"bench-{uuid.uuid4().hex[:8]}", f"other-{uuid.uuid4().hex[:8]}"
    backlog = await asyncio.gather(*(unserved_job(temporal_client, flooder) for _ in range(12)))
    kept = await unserved_job(temporal_client, bystander)
    running = f"JobUserId = '{flooder}' AND ExecutionStatus = 'Running'"

    async def all_visible() -> bool:
        return (await temporal_client.count_workflows(running)).count == len(backlog)

    await assert_eventually(all_visible, timeout=30, message="visibility never caught up")

    await end_backlog(temporal_client, flooder)

    statuses = [
        (await temporal_client.get_workflow_handle(job_id).describe()).status for job_id in backlog
    ]
    assert statuses == [WorkflowExecutionStatus.TERMINATED] * len(backlog)
    other = await temporal_client.get_workflow_handle(kept).describe()
    assert other.status is WorkflowExecutionStatus.RUNNING
    await temporal_client.get_workflow_handle(kept).terminate("test over")
