"""UserSlotsWorkflow: one per user with a cap, the only place that says which of the user's jobs
may run and which wait.

Jobs ask with a signal (their request activity signal-with-starts this workflow) and give the
slot back with another; the workflow grants slots in the order asked and tells each job by a
signal. It keeps its whole state in its history, so API replicas and worker restarts see one
queue. A job that ended without giving its slot back (terminated, timed out) is found by
checking the holders whenever the user is full and someone waits. With nobody holding or
waiting the workflow ends; the next request starts it again.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.slots import (
        ENDED_JOBS_ACTIVITY,
        QUERY_SLOTS,
        SIGNAL_ACQUIRE,
        SIGNAL_RELEASE,
        SIGNAL_SLOT_GRANTED,
        SIGNAL_SLOT_QUEUED,
        SLOTS_WORKFLOW_NAME,
        SlotQueued,
        SlotRequest,
        SlotsState,
    )

HISTORY_LIMIT = 5000
"""Events after which the queue hands over to a fresh run, well before Temporal's warnings."""


@workflow.defn(name=SLOTS_WORKFLOW_NAME)
class UserSlotsWorkflow:
    @workflow.init
    def __init__(self, state: SlotsState) -> None:
        self._state = state
        self._changed = True
        self._granted_again: list[str] = []
        self._newly_waiting: list[str] = []

    @workflow.signal(name=SIGNAL_ACQUIRE)
    def acquire(self, request: SlotRequest) -> None:
        state = self._state
        state.cap, state.check_seconds = request.cap, request.check_seconds
        if request.job_id in state.holders:
            # A new run of a job that holds a slot (its request was retried): tell it again.
            self._granted_again.append(request.job_id)
        elif request.job_id not in state.waiting:
            state.waiting.append(request.job_id)
            self._newly_waiting.append(request.job_id)
        self._changed = True

    @workflow.signal(name=SIGNAL_RELEASE)
    def release(self, job_id: str) -> None:
        """A job gave its slot back, or left the queue before it got one."""
        self._forget([job_id])

    @workflow.query(name=QUERY_SLOTS)
    def slots(self) -> SlotsState:
        return self._state

    @workflow.run
    async def run(self, state: SlotsState) -> None:
        while True:
            await self._grant()
            if not self._state.holders and not self._state.waiting:
                await workflow.wait_condition(workflow.all_handlers_finished)
                return
            if workflow.info().get_current_history_length() >= HISTORY_LIMIT:
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._state)
            full = len(self._state.holders) >= self._state.cap and bool(self._state.waiting)
            try:
                await workflow.wait_condition(
                    lambda: self._changed,
                    timeout=timedelta(seconds=self._state.check_seconds) if full else None,
                )
            except TimeoutError:
                await self._drop_ended()

    async def _grant(self) -> None:
        """Hands free slots to the first in line and tells each job what became of it."""
        state = self._state
        self._changed = False
        granted, self._granted_again = self._granted_again, []
        while state.waiting and len(state.holders) < state.cap:
            job_id = state.waiting.pop(0)
            state.holders.append(job_id)
            granted.append(job_id)
        queued = [job for job in self._newly_waiting if job in state.waiting]
        self._newly_waiting = []
        calls = [_tell(job_id, SIGNAL_SLOT_GRANTED, None) for job_id in granted] + [
            _tell(job_id, SIGNAL_SLOT_QUEUED, self._queued(job_id)) for job_id in queued
        ]
        outcomes = await asyncio.gather(*calls)
        told = zip(granted + queued, outcomes, strict=True)
        self._forget([job_id for job_id, reached in told if not reached])

    def _queued(self, job_id: str) -> SlotQueued:
        state = self._state
        return SlotQueued(
            running=len(state.holders), cap=state.cap, ahead=state.waiting.index(job_id)
        )

    async def _drop_ended(self) -> None:
        """Frees the slots of holders that ended without saying so."""
        try:
            ended: list[str] = await workflow.execute_activity(
                ENDED_JOBS_ACTIVITY,
                list(self._state.holders),
                result_type=list[str],
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(maximum_attempts=3),
            )
        except ActivityError:
            workflow.logger.warning("could not check %s's running jobs", self._state.user_id)
            return
        self._forget(ended)

    def _forget(self, job_ids: list[str]) -> None:
        state = self._state
        gone = set(job_ids)
        if gone & set(state.holders + state.waiting):
            state.holders = [job for job in state.holders if job not in gone]
            state.waiting = [job for job in state.waiting if job not in gone]
            self._changed = True


async def _tell(job_id: str, signal: str, arg: SlotQueued | None) -> bool:
    """Signals a job; False when it has ended (its slot is then free)."""
    handle = workflow.get_external_workflow_handle(job_id)
    try:
        if arg is None:
            await handle.signal(signal)
        else:
            await handle.signal(signal, arg)
    except FailureError:
        workflow.logger.info("job %s has ended; its slot is free", job_id)
        return False
    return True
