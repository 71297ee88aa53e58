"""A job publishes its last transition a moment before its run closes. A fork or delete asked
for in that moment waits for the close instead of answering 409 with an ended state (seen on
clean-clone runs: a job read as completed, deleted or forked at once).

The moment is held open on purpose: a stand-in workflow, under the job workflow's name, sets
its state attribute to ``completed`` and closes only when signalled, so each case below is
ordered by the test and not by luck. Real dev server."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError
from temporalio.worker import Worker

from jobwire.contract.webhooks import WEBHOOK_ACTIVITY
from jobwire.contract.workflow_api import (
    QUERY_PROGRESS,
    SA_STATE,
    SA_USER_ID,
    WORKFLOW_NAME,
    new_job_id,
)
from jobwire.errors import IllegalTransition
from jobwire.jobs.forking import JobForks
from jobwire.jobs.reading import CLOSE_WAIT_TRIES, JobReader
from tests.helpers import assert_eventually

pytestmark = pytest.mark.integration

USER = "closing-user"


@workflow.defn(name=WORKFLOW_NAME, sandboxed=False)
class ClosesWhenTold:
    """Stands in for a job between its last transition and the end of its run."""

    def __init__(self) -> None:
        self.told = False
        self.record: dict[str, Any] = {}

    @workflow.run
    async def run(self, state: str, recorded: str, notifying: bool) -> None:
        workflow.upsert_search_attributes([SA_STATE.value_set(state)])
        if notifying:  # a webhook delivery no worker takes: it stays pending
            workflow.start_activity(
                WEBHOOK_ACTIVITY,
                task_queue=f"nobody-{workflow.uuid4()}",
                start_to_close_timeout=timedelta(minutes=10),
            )
        now = workflow.now().isoformat()
        self.record = {
            "job_id": workflow.info().workflow_id,
            "user_id": USER,
            "type": "count",
            "state": recorded,
            "created_at": now,
            "updated_at": now,
            "spec": {},
        }
        await workflow.wait_condition(lambda: self.told)

    @workflow.query(name=QUERY_PROGRESS)
    def progress(self, include_spec: bool) -> dict[str, Any]:
        """The workflow's own record, which may run ahead of its search attribute."""
        return self.record

    @workflow.signal
    def close(self) -> None:
        self.told = True


class CountingReader(JobReader):
    """Counts its describes; with ``close_after_first`` the first one lets the run close, as
    a worker finishing the job would."""

    def __init__(self, temporal: Client, *, close_after_first: bool) -> None:
        super().__init__(temporal)
        self.close_after_first = close_after_first
        self.looks = 0

    async def find(self, user_id: str, job_id: str) -> WorkflowExecutionDescription | None:
        description = await super().find(user_id, job_id)
        self.looks += 1
        if self.looks == 1 and self.close_after_first:
            await self.temporal.get_workflow_handle(job_id).signal(ClosesWhenTold.close)
        return description


@asynccontextmanager
async def stand_in(
    temporal: Client, state: str, recorded: str | None = None, *, notifying: bool = False
) -> AsyncIterator[str]:
    """A running stand-in job whose state attribute reads ``state`` and whose own record
    reads ``recorded`` (``state`` unless given), with a webhook delivery pending if
    ``notifying``; ended when done."""
    queue = f"closing-{uuid.uuid4()}"
    job_id = new_job_id()
    async with Worker(temporal, task_queue=queue, workflows=[ClosesWhenTold]):
        handle = await temporal.start_workflow(
            ClosesWhenTold.run,
            args=[state, recorded or state, notifying],
            id=job_id,
            task_queue=queue,
            search_attributes=TypedSearchAttributes([SearchAttributePair(SA_USER_ID, USER)]),
        )

        async def attribute_set() -> bool:
            return (await handle.describe()).typed_search_attributes.get(SA_STATE) == state

        await assert_eventually(attribute_set, timeout=30)
        try:
            yield job_id
        finally:
            with contextlib.suppress(RPCError):  # it may have closed by itself meanwhile
                await handle.terminate("test over")


async def test_an_ended_state_waits_for_the_run_to_close(temporal_client: Client) -> None:
    reader = CountingReader(temporal_client, close_after_first=True)
    async with stand_in(temporal_client, "completed") as job_id:
        description = (await reader.find_settled(USER, job_id)).description
    assert description.status is WorkflowExecutionStatus.COMPLETED
    assert reader.looks >= 2, "it looked again after the run said completed"


async def test_an_ended_record_ahead_of_its_attribute_waits_for_the_close(
    temporal_client: Client,
) -> None:
    """The last event reaches Redis from a local activity before the workflow task that sets
    the attribute completes: a caller who read the event comes while the attribute still
    says running, and the workflow's own record says completed."""
    reader = CountingReader(temporal_client, close_after_first=True)
    async with stand_in(temporal_client, "running", recorded="completed") as job_id:
        description = (await reader.find_settled(USER, job_id)).description
    assert description.status is WorkflowExecutionStatus.COMPLETED
    assert reader.looks >= 2, "it looked again after the record said completed"


async def test_a_running_state_is_answered_at_once(temporal_client: Client) -> None:
    reader = CountingReader(temporal_client, close_after_first=False)
    async with stand_in(temporal_client, "running") as job_id:
        description = (await reader.find_settled(USER, job_id)).description
    assert description.status is WorkflowExecutionStatus.RUNNING
    assert reader.looks == 1


async def test_an_ended_run_that_never_closes_is_answered_after_the_bounded_wait(
    temporal_client: Client,
) -> None:
    reader = CountingReader(temporal_client, close_after_first=False)
    async with stand_in(temporal_client, "completed") as job_id:
        settled = await reader.find_settled(USER, job_id)
        description = settled.description
        assert settled.ended
    assert description.status is WorkflowExecutionStatus.RUNNING
    assert reader.looks == CLOSE_WAIT_TRIES


async def test_an_ended_run_delivering_its_webhooks_is_answered_at_once(
    temporal_client: Client,
) -> None:
    """Its deliveries may retry for minutes: nothing is gained by waiting for the close."""
    reader = CountingReader(temporal_client, close_after_first=False)
    async with stand_in(temporal_client, "completed", notifying=True) as job_id:

        async def pending() -> bool:
            described = await temporal_client.get_workflow_handle(job_id).describe()
            return bool(described.raw_description.pending_activities)

        await assert_eventually(pending, timeout=30)
        settled = await reader.find_settled(USER, job_id)
        description = settled.description
        assert settled.ended
    assert description.status is WorkflowExecutionStatus.RUNNING
    assert reader.looks == 1


async def test_a_running_job_is_refused_a_fork_at_once(temporal_client: Client) -> None:
    reader = CountingReader(temporal_client, close_after_first=False)
    # The refusal comes before the fork needs its starter or registry.
    forks = JobForks(reader, starter=None, registry=None)  # type: ignore[arg-type]
    async with stand_in(temporal_client, "running") as job_id:
        with pytest.raises(IllegalTransition) as refused:
            await forks.plan(USER, job_id, "report")
    assert (refused.value.action, refused.value.state) == ("fork", "running")
    assert reader.looks == 1
