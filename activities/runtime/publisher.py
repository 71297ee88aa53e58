"""Appends job events to Redis, numbering each one atomically so publishers never collide.

One Lua script bumps the job's counter, appends to the job's stream and folds the event into
the job's record (``jobwire.projection``) in a single step, on keys of one hash slot: two
workers publishing for one job (an old attempt and its retry) still produce a gapless
``seq``, and the record at seq N is the fold of events 1..N. On a single Redis the same
script also copies the numbered event to the feed the API instances follow, so an event
costs one round trip. On a cluster the feed lives in another slot, and a second, separate
call copies it; if only that copy fails, the event is still in the job's stream, and a
subscriber's gap check fetches it from there.
Publishing is best effort: a Redis outage costs live events, never a job, and a short circuit
breaker keeps a dead Redis from slowing every ``advance`` call.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from jobwire import redis_keys as keys
from jobwire.contract.events import EventDraft, EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.observability.tracing import current_traceparent, span
from jobwire.observability.tracing import enabled as tracing_enabled
from jobwire.observability.worker_metrics import WorkerMetrics, worker_metrics
from jobwire.projection.fields import event_fields
from jobwire.projection.scripts import DELETED, PUBLISH
from jobwire.settings import Settings

log = logging.getLogger(__name__)

SHEDDABLE = frozenset({EventType.PROGRESS, EventType.CHECKPOINT, EventType.LOG, EventType.CHUNK})
"""What the breaker drops without trying while Redis looks down: the next one supersedes it.
A change of state (started, paused, completed, ...) is always tried, so a subscriber whose
feed came back in the breaker's window still learns that the job ended."""

SEQ_TTL_FACTOR = 4
"""The counter outlives the stream, so a job that wakes after its stream expired keeps
counting up instead of starting again at 1."""


class RedisEventPublisher:
    """The worker's ``EventPublisher``: XADD through one script, never raising."""

    def __init__(
        self,
        redis: Redis,
        settings: Settings,
        *,
        retry_after: float = 2.0,
        metrics: WorkerMetrics = worker_metrics,
    ) -> None:
        self._redis = redis
        self._metrics = metrics
        self._settings = settings
        self._script = redis.register_script(PUBLISH)
        self._on_cluster = isinstance(redis, RedisCluster)
        self._retry_after = retry_after
        self._down_until = 0.0

    async def publish(self, draft: EventDraft, base: JobRecord | None = None) -> JobEvent | None:
        if time.monotonic() < self._down_until and draft.type in SHEDDABLE:
            return None
        with span("jobwire.publish", job_id=draft.job_id, event=draft.type.value):
            seq = await self._append(draft, base)
        if seq is None:
            return None
        self._metrics.events_published.labels(event=draft.type.value).inc()
        return draft.numbered(seq)

    async def _append(self, draft: EventDraft, base: JobRecord | None) -> int | None:
        body = draft.model_dump_json()
        ttl = self._settings.event_stream_ttl_seconds
        job_id = draft.job_id
        traceparent = current_traceparent() if tracing_enabled(self._settings) else None
        folded = [item for pair in event_fields(draft, base).items() for item in pair]
        job_keys = [
            keys.job_seq(job_id),
            keys.job_events(job_id),
            keys.job_record(job_id),
            keys.job_tombstone(job_id),
        ]
        feed_keys = [] if self._on_cluster else [keys.FEED, keys.EVENTS_PUBLISHED]
        limits: list[str | int] = [
            body,
            self._settings.event_stream_maxlen,
            ttl,
            ttl * SEQ_TTL_FACTOR,
        ]
        entry: list[str | int] = [
            self._settings.feed_stream_maxlen,
            job_id,
            draft.user_id,
            traceparent or "",
        ]
        try:
            seq = int(
                await self._script(keys=job_keys + feed_keys, args=[*limits, *entry, *folded])
            )
        except (RedisError, OSError) as exc:
            self._failed(draft, "live feed unreachable, event dropped", exc)
            return None
        if seq == DELETED:
            log.info("event of a deleted job dropped", extra={"job_id": job_id})
            return None
        if feed_keys:
            return seq
        try:
            await self._copy_to_feed(draft, seq, body, traceparent)
        except (RedisError, OSError) as exc:
            self._failed(draft, "event kept in its job's stream, not copied to the feed", exc)
        return seq

    def _failed(self, draft: EventDraft, what: str, exc: Exception) -> None:
        self._metrics.redis_errors.labels(operation="publish").inc()
        self._down_until = time.monotonic() + self._retry_after
        log.warning("%s: %s", what, exc, extra={"job_id": draft.job_id})

    async def _copy_to_feed(
        self, draft: EventDraft, seq: int, body: str, traceparent: str | None
    ) -> None:
        """On a cluster only: the feed is a key of its own slot."""
        fields: dict[Any, Any] = {
            keys.JOB_FIELD: draft.job_id,
            keys.USER_FIELD: draft.user_id,
            keys.SEQ_FIELD: seq,
            keys.EVENT_FIELD: body,
        }
        if traceparent is not None:
            fields[keys.TRACE_FIELD] = traceparent
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(keys.FEED, fields, maxlen=self._settings.feed_stream_maxlen, approximate=True)
            pipe.incr(keys.EVENTS_PUBLISHED)
            await pipe.execute()
