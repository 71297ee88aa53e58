"""Lists and counts of jobs, answered by Temporal's visibility store.

The dev server's SQLite visibility allows no ORDER BY and no GROUP BY on search attributes, so
lists keep its default order and every count is its own ``count_workflows``. A page's live
fields (state, progress, step) come from the jobs' projections in Redis, read in one pipelined
round trip, since visibility trails the feed by seconds; Redis being down leaves visibility's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from redis.exceptions import RedisError
from temporalio.client import Client

from jobwire.contract.filters import JobFilter
from jobwire.contract.records import JobPage, JobStats, JobSummary
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.states import JobState, allowed_actions
from jobwire.errors import InvalidSpec
from jobwire.jobs.visibility import summary_from_visibility
from jobwire.jobs.visibility_query import (
    CursorSigner,
    filtered_jobs,
    jobs_of_type_in_state,
    user_jobs,
)
from jobwire.projection.store import ProjectionStore

log = logging.getLogger(__name__)


class JobListing:
    """Pages and counts of one user's jobs, and of everyone's for metrics."""

    def __init__(
        self,
        temporal: Client,
        registry: JobTypeRegistry,
        cursors: CursorSigner,
        store: ProjectionStore | None = None,
    ) -> None:
        self.temporal = temporal
        self.registry = registry
        self.cursors = cursors
        self.store = store

    def type_names(self) -> list[str]:
        return [definition.name for definition in self.registry.definitions()]

    async def list(
        self,
        user_id: str,
        *,
        state: JobState | None = None,
        type: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        job_filter: JobFilter | None = None,
    ) -> JobPage:
        """The user's jobs in visibility's default order (running first, newest first);
        ``state`` and ``type`` narrow ``job_filter`` where given."""
        query = self.query(user_id, narrowed(job_filter, state=state, type=type))
        token = self.cursors.open(query, cursor)
        iterator = self.temporal.list_workflows(query, page_size=limit, next_page_token=token)
        await iterator.fetch_next_page(page_size=limit)
        page: Sequence[Any] = iterator.current_page or []
        items = [await summary_from_visibility(execution) for execution in page]
        await self._overlay(items)
        return JobPage(items=items, next_cursor=self.cursors.seal(query, iterator.next_page_token))

    def query(self, user_id: str, job_filter: JobFilter) -> str:
        """The visibility query for ``job_filter``; an unregistered type is invalid input."""
        if job_filter.type is not None and job_filter.type not in self.type_names():
            raise InvalidSpec(f"unknown job type {job_filter.type!r}", field="type")
        return filtered_jobs(user_id, job_filter)

    async def _overlay(self, items: Sequence[JobSummary]) -> None:
        """The page's live fields from the projections; visibility's where there is none."""
        if self.store is None or not items:
            return
        try:
            found = await self.store.summaries([item.job_id for item in items])
        except (RedisError, OSError) as exc:
            log.warning("projections unreadable, listing visibility's view: %s", exc)
            return
        for item, values in zip(items, found, strict=True):
            overlay(item, values)

    async def stats(self, user_id: str) -> JobStats:
        """Counts by state and by type, one count per value."""
        states = [state.value for state in JobState]
        types = self.type_names()
        counts = await asyncio.gather(
            self._count(user_jobs(user_id)),
            *(self._count(user_jobs(user_id, state=JobState(s))) for s in states),
            *(self._count(user_jobs(user_id, type=t)) for t in types),
        )
        total, by_state, by_type = counts[0], counts[1 : 1 + len(states)], counts[1 + len(states) :]
        return JobStats(
            total=total,
            by_state=dict(zip(states, by_state, strict=True)),
            by_type=dict(zip(types, by_type, strict=True)),
        )

    async def counts_by_type_and_state(self) -> dict[tuple[str, str], int]:
        """All users' jobs per (type, state), for metrics: one count per pair."""
        pairs = [(t, s.value) for t in self.type_names() for s in JobState]
        counts = await asyncio.gather(*(self._count(jobs_of_type_in_state(*p)) for p in pairs))
        return dict(zip(pairs, counts, strict=True))

    async def _count(self, query: str) -> int:
        return (await self.temporal.count_workflows(query)).count


def narrowed(
    job_filter: JobFilter | None, *, state: JobState | None, type: str | None
) -> JobFilter:
    """``job_filter`` (all jobs when None) with ``state`` and ``type`` where given."""
    base = job_filter or JobFilter()
    update = {key: value for key, value in (("state", state), ("type", type)) if value is not None}
    return base.model_copy(update=update) if update else base


def overlay(item: JobSummary, values: dict[str, Any]) -> None:
    """Progress never lower than either view; state and step from the projection while
    visibility still shows the job active (an ended job's visibility is final)."""
    progress = values.get("progress")
    if isinstance(progress, int | float):
        item.progress = max(item.progress, float(progress))
    state = values.get("state")
    if item.state.is_active and isinstance(state, str) and state in set(JobState):
        item.state = JobState(state)
        item.step = str(values.get("step", item.step))
        item.allowed_actions = allowed_actions(item.state)
    seq = values.get("seq")
    if isinstance(seq, int) and seq > 0:
        item.seq = seq
