"""A job's record from its projection in Redis, and from Temporal only when that is not enough.

``GET /api/jobs/{id}`` and every subscribe answer read here: one Redis round trip while the
projection is fresh (``jobwire.projection.view`` says when). Temporal is asked when the
projection is missing or expired, has no ``base`` yet, is stale, lacks the spec a caller
wants, or Redis is down (the degraded mode: every read goes to Temporal, as before). A record
rebuilt from Temporal is written back, unless an event was folded in meanwhile.
"""

from __future__ import annotations

import logging
import time

from redis.exceptions import RedisError

from jobwire import redis_keys as keys
from jobwire.contract.records import JobRecord
from jobwire.contract.workflow_api import is_job_id
from jobwire.errors import JobNotFound
from jobwire.jobs.reading import JobReader
from jobwire.projection.store import ProjectionStore
from jobwire.projection.view import Projection

log = logging.getLogger(__name__)


class ProjectedReader:
    """Reads one user's job from its projection, with ``JobReader`` (Temporal) behind it."""

    def __init__(
        self, store: ProjectionStore | None, reader: JobReader, fresh_seconds: float
    ) -> None:
        self.store = store
        self.reader = reader
        self.fresh_seconds = fresh_seconds

    async def get(self, user_id: str, job_id: str, *, include_spec: bool = True) -> JobRecord:
        if not is_job_id(job_id):
            raise JobNotFound(job_id)
        store = self.store
        if store is None:
            return await self.reader.get(user_id, job_id, include_spec=include_spec)
        try:
            seen = await store.read(job_id)
        except (RedisError, OSError) as exc:
            log.warning(
                "projection unreachable, asking Temporal: %s", exc, extra={"job_id": job_id}
            )
            return await self.reader.get(user_id, job_id, include_spec=include_spec)
        if seen.deleted or (seen.owner is not None and seen.owner != user_id):
            raise JobNotFound(job_id)
        wants_spec = include_spec and not seen.has_spec()
        if not wants_spec and seen.is_fresh(time.time(), self.fresh_seconds):
            try:
                return seen.record(include_spec=include_spec)
            except ValueError as exc:
                log.warning("projection malformed, rebuilding: %s", exc, extra={"job_id": job_id})
        return await self._rebuilt(store, user_id, seen, job_id, include_spec=include_spec)

    async def _rebuilt(
        self,
        store: ProjectionStore,
        user_id: str,
        seen: Projection,
        job_id: str,
        *,
        include_spec: bool,
    ) -> JobRecord:
        """Temporal's record, never behind the projection's progress, written back."""
        record = await self.reader.get(user_id, job_id, include_spec=include_spec)
        progress = seen.values.get("progress")
        if isinstance(progress, int | float) and progress > record.progress:
            record.progress = float(progress)
        record.seq = seen.seq or None
        try:
            await store.write_back(record, seen, include_spec=include_spec)
        except (RedisError, OSError) as exc:
            log.warning("projection not written back: %s", exc, extra={"job_id": job_id})
        return record

    async def deleted(self, job_id: str) -> bool:
        """Whether the job under this id was deleted a moment ago (Temporal may still
        describe it while it deletes it)."""
        return await self._tombstone(job_id, lift=False)

    async def reuse(self, job_id: str) -> bool:
        """An id that can be started again (an idempotency key's) stops reading as deleted:
        a job submitted under it after a delete must not answer 404, nor lose its events.
        True if the id's job had been deleted, so what Temporal still has of it is doomed."""
        return await self._tombstone(job_id, lift=True)

    async def _tombstone(self, job_id: str, *, lift: bool) -> bool:
        """Whether the job has a tombstone (lifting it with ``lift``); False where Redis
        cannot say, which leaves Temporal's answer as it is."""
        if self.store is None:
            return False
        key, redis = keys.job_tombstone(job_id), self.store.redis
        try:
            return bool(await (redis.delete(key) if lift else redis.exists(key)))
        except (RedisError, OSError) as exc:
            log.warning("tombstone not read: %s", exc, extra={"job_id": job_id})
            return False
