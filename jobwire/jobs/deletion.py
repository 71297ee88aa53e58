"""Deleting a job for good: every run of its workflow from Temporal, and its live feed from Redis.

A running job is refused (409 with its state) unless the caller forces it; a forced delete
cancels the job as a control would, so its ending is recorded, and terminates it only when it
does not end within a bounded wait. Temporal deletes asynchronously (the dev server takes about half
a minute): the answer comes once Temporal has accepted the deletion and the live feed is gone,
and until Temporal has removed the run a read or a list may still show the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from jobwire import redis_keys as keys
from jobwire.contract.states import JobAction
from jobwire.errors import IllegalTransition
from jobwire.jobs.controls import JobControls
from jobwire.jobs.reading import JobReader
from jobwire.projection.store import bury

log = logging.getLogger(__name__)

FEED_PAGE = 500
"""Entries read at a time while removing a deleted job's copies from the feed."""


class JobDeletion:
    """Removes one user's job from Temporal and Redis."""

    def __init__(
        self, temporal: Client, reader: JobReader, controls: JobControls, cancel_wait: float
    ) -> None:
        self.temporal = temporal
        self.reader = reader
        self.controls = controls
        self.cancel_wait = cancel_wait

    async def delete(self, user_id: str, job_id: str, redis: Redis, *, force: bool = False) -> None:
        """Deletes an ended job; a running one only with ``force``, which ends it first.

        An ended job whose run still delivers its webhooks is deleted without ``force``:
        the deliveries still under way go with it."""
        settled = await self.reader.find_settled(user_id, job_id)
        description = settled.description
        if description.status is WorkflowExecutionStatus.RUNNING:
            if settled.ended:
                await self._stop_notifying(user_id, job_id)
            elif not force:
                record = await self.reader.record_of(description)
                raise IllegalTransition("delete", record.state.value)
            else:
                await self._end(user_id, job_id)
        first_started = await self._delete_runs(job_id)
        await forget_feed(redis, job_id, first_started or description.start_time)

    async def _end(self, user_id: str, job_id: str) -> None:
        """Cancels the job (who and why land in its history), then terminates it if it has
        not ended within the wait."""
        with contextlib.suppress(IllegalTransition):
            await self.controls.control(user_id, job_id, JobAction.CANCEL, "deleted")
        handle = self.temporal.get_workflow_handle(job_id)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(handle.result(), self.cancel_wait)
        description = await handle.describe()
        if description.status is WorkflowExecutionStatus.RUNNING:
            log.warning("job did not end when cancelled; terminating", extra={"job_id": job_id})
            await handle.terminate(reason=f"deleted by {user_id}")

    async def _stop_notifying(self, user_id: str, job_id: str) -> None:
        log.info("deleting an ended job that still delivers webhooks", extra={"job_id": job_id})
        with contextlib.suppress(RPCError):  # it closed meanwhile
            await self.temporal.get_workflow_handle(job_id).terminate(
                reason=f"deleted by {user_id} while it delivered its webhooks"
            )

    async def _delete_runs(self, job_id: str) -> datetime | None:
        """Every run under the job's id (a resumed or continued job has several); answers
        when the first of them started, where the job's feed begins."""
        run_ids: set[str | None] = {None}
        starts: list[datetime] = []
        async for run in self.temporal.list_workflows(f"WorkflowId = '{job_id}'"):
            run_ids.add(run.run_id)
            starts.append(run.start_time)
        for run_id in run_ids:
            execution = WorkflowExecution(workflow_id=job_id, run_id=run_id or "")
            try:
                await self.temporal.workflow_service.delete_workflow_execution(
                    DeleteWorkflowExecutionRequest(
                        namespace=self.temporal.namespace, workflow_execution=execution
                    )
                )
            except RPCError as exc:
                if exc.status is not RPCStatusCode.NOT_FOUND:
                    raise
        return min(starts, default=None)


async def forget_feed(redis: Redis, job_id: str, since: datetime) -> None:
    """Removes the job's record, stream and counter (leaving a tombstone), and its copies in
    the feed, which begin no earlier than the job's first run (feed entry ids are millisecond
    times)."""
    await bury(redis, job_id)
    start = f"{max(0, int(since.timestamp() * 1000) - 1000)}-0"
    while True:
        entries: Any = await redis.xrange(keys.FEED, min=start, count=FEED_PAGE)
        if not entries:
            return
        doomed = [entry_id for entry_id, fields in entries if _job_of(fields) == job_id]
        if doomed:
            await redis.xdel(keys.FEED, *doomed)
        if len(entries) < FEED_PAGE:
            return
        start = "(" + _text(entries[-1][0])


def _job_of(fields: dict[Any, Any]) -> str | None:
    value = fields.get(keys.JOB_FIELD, fields.get(keys.JOB_FIELD.encode()))
    return _text(value) if value is not None else None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
