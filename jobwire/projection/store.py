"""Reading a job's projection, writing back a record rebuilt from Temporal, and burying a
deleted job's; each in one round trip on keys of one hash slot."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis

from jobwire import redis_keys as keys
from jobwire.contract.records import JobRecord
from jobwire.projection import fields as f
from jobwire.projection.scripts import WRITE_BACK
from jobwire.projection.view import Projection

TOMBSTONE_SECONDS = 600
"""How long reads of a deleted job answer 404 from Redis alone: well past the seconds Temporal
takes to delete a workflow asynchronously, after which it answers 404 itself."""

SUMMARY_FIELDS = ("state", f.PROGRESS, "step", f.SEQ)
"""What a list takes from the projections over visibility's (seconds old) view."""


class ProjectionStore:
    """The projections of jobs in one Redis (or Redis Cluster)."""

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self._write_back = redis.register_script(WRITE_BACK)

    async def read(self, job_id: str) -> Projection:
        """The job's projection (empty if it has none, or holds what is not JSON) and whether
        it was just deleted."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.job_record(job_id))
            pipe.exists(keys.job_tombstone(job_id))
            raw, deleted = await pipe.execute()
        return Projection(_decoded(raw), deleted=bool(deleted))

    async def write_back(self, record: JobRecord, seen: Projection, *, include_spec: bool) -> bool:
        """Stores a record rebuilt from Temporal unless an event was folded in since ``seen``
        was read (then the projection is newer than what Temporal said); True if stored."""
        values = f.record_fields(record, include_spec=include_spec)
        values[f.CHECKED_AT] = str(time.time())
        overwrite = "1" if seen.state != record.state.value else "0"
        pairs = [item for pair in values.items() for item in pair]
        stored = await self._write_back(
            keys=[keys.job_record(record.job_id), keys.job_tombstone(record.job_id)],
            args=[str(seen.seq), self.ttl_seconds, overwrite, *pairs],
        )
        return bool(stored)

    async def summaries(self, job_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The live fields of each job's projection (empty where it has none), in one
        pipelined read."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.hmget(keys.job_record(job_id), list(SUMMARY_FIELDS))
            rows = await pipe.execute()
        return [
            _decoded({n: v for n, v in zip(SUMMARY_FIELDS, row, strict=True) if v}) for row in rows
        ]


async def bury(redis: Redis, job_id: str) -> None:
    """Removes a deleted job's record, stream and counter and marks it deleted for a while,
    so reads of it answer 404 and late events of it are dropped at once."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.set(keys.job_tombstone(job_id), "1", ex=TOMBSTONE_SECONDS)
        pipe.delete(keys.job_record(job_id), keys.job_events(job_id), keys.job_seq(job_id))
        await pipe.execute()


def _decoded(raw: dict[Any, Any]) -> dict[str, Any]:
    """The hash's values; none at all if any is not JSON (then Temporal answers instead)."""
    try:
        return Projection.decode(raw).values
    except ValueError:
        return {}
