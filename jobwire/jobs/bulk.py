"""One action on many of a user's jobs, each answered on its own.

Jobs named by a filter are found with the same visibility query a list uses, up to the bound
on one request; each job then goes through the same control as a single call would, a few at
a time, so a hundred cancels neither queue behind one another nor flood Temporal.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from temporalio.client import Client

from jobwire.contract.bulk import (
    BulkByFilter,
    BulkByIds,
    BulkItem,
    BulkOutcome,
    BulkRequest,
    BulkResult,
)
from jobwire.contract.states import JobAction
from jobwire.errors import IllegalTransition, InvalidSpec, JobNotFound, NoWorkerAnswered
from jobwire.jobs.controls import JobControls
from jobwire.jobs.visibility_query import filtered_jobs

log = logging.getLogger(__name__)

CONCURRENCY = 8
"""Controls in flight at once for one request."""

Admit = Callable[[], Awaitable[bool]]
"""Asked before each restart (which starts a job): False refuses that one, as over budget."""


async def _always() -> bool:
    return True


class BulkActions:
    def __init__(self, temporal: Client, controls: JobControls) -> None:
        self.temporal = temporal
        self.controls = controls

    async def run(
        self, user_id: str, request: BulkRequest, *, max_jobs: int, admit: Admit = _always
    ) -> BulkResult:
        """Acts on each job of ``request``; more ids than ``max_jobs`` is invalid input, a
        filter matching more acts on the first ``max_jobs`` and says ``more``."""
        if isinstance(request, BulkByIds):
            ids = list(dict.fromkeys(request.ids))
            if len(ids) > max_jobs:
                raise InvalidSpec(f"at most {max_jobs} jobs per request", field="ids")
            more = False
        else:
            ids, more = await self._matching(user_id, request, max_jobs)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(job_id: str) -> BulkItem:
            async with gate:
                return await self._one(user_id, job_id, request, admit)

        results = await asyncio.gather(*(one(job_id) for job_id in ids))
        return BulkResult(action=request.action, results=list(results), more=more)

    async def _matching(
        self, user_id: str, request: BulkByFilter, max_jobs: int
    ) -> tuple[list[str], bool]:
        """The ids of the first ``max_jobs`` jobs the filter matches, and whether more did; a
        type no job has (an unregistered one too) matches none, as the published schema
        allows any."""
        query = filtered_jobs(user_id, request.filter)
        found = [
            execution.id
            async for execution in self.temporal.list_workflows(query, limit=max_jobs + 1)
        ]
        return found[:max_jobs], len(found) > max_jobs

    async def _one(self, user_id: str, job_id: str, request: BulkRequest, admit: Admit) -> BulkItem:
        try:
            if request.action is JobAction.RESTART:
                if not await admit():
                    return BulkItem(
                        job_id=job_id,
                        outcome=BulkOutcome.NOT_ALLOWED,
                        detail="rate limited: too many jobs started this minute",
                    )
                fresh = await self.controls.restart(user_id, job_id, None, request.reason)
                return BulkItem(
                    job_id=job_id,
                    outcome=BulkOutcome.DONE,
                    state=fresh.state.value,
                    new_job_id=fresh.job_id,
                )
            record = await self.controls.control(user_id, job_id, request.action, request.reason)
        except JobNotFound:
            return BulkItem(job_id=job_id, outcome=BulkOutcome.NOT_FOUND)
        except IllegalTransition as exc:
            log.info("bulk %s refused", request.action.value, extra={"job_id": job_id})
            return BulkItem(
                job_id=job_id, outcome=BulkOutcome.NOT_ALLOWED, state=exc.state, detail=str(exc)
            )
        except NoWorkerAnswered as exc:
            return BulkItem(job_id=job_id, outcome=BulkOutcome.NO_WORKER, detail=str(exc))
        return BulkItem(job_id=job_id, outcome=BulkOutcome.DONE, state=record.state.value)
