"""The activities behind the per-user running cap: reaching a user's slots workflow, and
telling it which of its holders have ended.

They need the worker's Temporal client, so they are bound to it here rather than declared as
phase activities.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import Priority, WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from jobwire.contract.priority import HIGHEST_PRIORITY, fairness_key
from jobwire.contract.slots import (
    ENDED_JOBS_ACTIVITY,
    REQUEST_SLOT_ACTIVITY,
    SIGNAL_ACQUIRE,
    SLOTS_WORKFLOW_NAME,
    SlotRequest,
    SlotsState,
    slots_workflow_id,
)


class SlotActivities:
    """Bound to one client; ``activities()`` is what a worker registers."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def activities(self) -> list[Callable[..., Any]]:
        return [self.request_slot, self.ended_jobs]

    @activity.defn(name=REQUEST_SLOT_ACTIVITY)
    async def request_slot(self, request: SlotRequest) -> None:
        """Signals the user's slots workflow, starting it if it is not running. Running twice
        asks twice, which the slots workflow answers once (a job is queued or holds once).

        The slots workflow runs at the highest priority, so it is never stuck behind the
        backlog it is there to order."""
        await self.client.start_workflow(
            SLOTS_WORKFLOW_NAME,
            SlotsState(user_id=request.user_id, cap=request.cap),
            id=slots_workflow_id(request.user_id),
            task_queue=activity.info().task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            start_signal=SIGNAL_ACQUIRE,
            start_signal_args=[request],
            priority=Priority(
                priority_key=HIGHEST_PRIORITY, fairness_key=fairness_key(request.user_id)
            ),
            static_summary=f"running slots of {request.user_id}",
        )

    @activity.defn(name=ENDED_JOBS_ACTIVITY)
    async def ended_jobs(self, job_ids: list[str]) -> list[str]:
        """Which of ``job_ids`` no longer run (or never existed); reads only, so safe twice."""
        running = await asyncio.gather(*(self._running(job_id) for job_id in job_ids))
        return [job_id for job_id, alive in zip(job_ids, running, strict=True) if not alive]

    async def _running(self, job_id: str) -> bool:
        try:
            description = await self.client.get_workflow_handle(job_id).describe()
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                return False
            raise
        return description.status is WorkflowExecutionStatus.RUNNING
