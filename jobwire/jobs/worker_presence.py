"""Each worker's presence in Redis, renewed every few seconds, so a dead worker is seen as
gone within seconds.

Temporal's own view of a task queue (its pollers' last access times) only moves once per long
poll, up to a minute on a default server, so a ``kill -9``'d worker still looks alive for
about that long. Every ``jobwire worker`` therefore renews its identity (the ``pid@host`` its
Temporal client polls with) in one sorted set per task queue, scored by Redis's own clock, so
workers and API replicas on different machines need no synchronised clocks. A member older
than the TTL is a worker that is gone; the set keeps gone members for a while, so a reader
can tell since when none has been present and which of Temporal's pollers are already dead.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.exceptions import RedisError

from jobwire import redis_keys as keys
from jobwire.cancellation import raise_if_cancelled
from jobwire.observability.worker_metrics import worker_metrics

log = logging.getLogger(__name__)

KEEP_GONE_SECONDS = 3600.0
"""How long a gone worker stays in the set (Temporal forgets a poller after five minutes)."""


@dataclass(frozen=True)
class Presence:
    """The workers of one task queue as Redis last saw them."""

    live: frozenset[str]
    """Identities renewed within the TTL."""
    known: frozenset[str]
    """Every identity still in the set, live or gone."""
    last_seen: datetime | None
    """The newest renewal of any worker; None when the set is empty."""


async def _redis_now(redis: Redis) -> float:
    seconds, micros = await redis.time()
    return float(seconds) + micros / 1_000_000


async def renew(redis: Redis, task_queue: str, identity: str) -> None:
    """Marks ``identity`` present now, and drops workers gone for longer than an hour."""
    now = await _redis_now(redis)
    key = keys.worker_presence(task_queue)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(key, {identity: now})
        pipe.zremrangebyscore(key, "-inf", now - KEEP_GONE_SECONDS)
        pipe.expire(key, int(KEEP_GONE_SECONDS))
        await pipe.execute()


async def read_presence(redis: Redis, task_queue: str, ttl_seconds: float) -> Presence:
    """Who is present on ``task_queue``; Redis errors reach the caller, who falls back."""
    now = await _redis_now(redis)
    members = await redis.zrange(keys.worker_presence(task_queue), 0, -1, withscores=True)
    scores = {_text(member[0]): float(member[1]) for member in members}
    newest = max(scores.values(), default=None)
    return Presence(
        live=frozenset(who for who, seen in scores.items() if now - seen <= ttl_seconds),
        known=frozenset(scores),
        last_seen=datetime.fromtimestamp(newest, UTC) if newest is not None else None,
    )


async def keep_present(redis: Redis, task_queue: str, identity: str, interval: float) -> None:
    """Renews ``identity`` every ``interval`` seconds until cancelled. A Redis outage is
    logged, counted (``jobwire_worker_redis_errors{operation="presence"}``) and ridden out:
    readers then fall back to Temporal's pollers."""
    while True:
        try:
            await renew(redis, task_queue, identity)
        except (RedisError, OSError) as exc:
            worker_metrics.redis_errors.labels(operation="presence").inc()
            log.warning("cannot renew worker presence of %s: %s", identity, exc)
        raise_if_cancelled()
        await asyncio.sleep(interval)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
