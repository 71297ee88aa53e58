"""Connects to Redis the same way in every process: bounded pool, short timeouts, text replies.

The pool blocks rather than raising when every connection is busy, so a burst of events from
many concurrent activities queues for a moment instead of being dropped as an outage; and a
connection that went stale across a Redis restart is replaced instead of failing a call.

With ``redis_cluster`` set, the URL names any node of a Redis Cluster and the client follows
the cluster's slots. ``RedisCluster`` is not a ``Redis`` subclass, but it answers every command
jobwire sends: each script's keys share one hash slot, pipelines are never transactions, and
the feed is a single key (``tests/integration/cluster`` runs the publisher, the projection and
the readers on a three-master cluster).
"""

from __future__ import annotations

from typing import cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from jobwire.settings import Settings


def connect_redis(settings: Settings, url: str | None = None) -> Redis:
    target = url or settings.redis_url
    if not target:
        raise RuntimeError("JOBWIRE_REDIS_URL (or REDIS_URL) is not set")
    if settings.redis_cluster:
        return cast(Redis, connect_cluster(settings, target))
    pool = BlockingConnectionPool.from_url(
        target,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout_seconds,
        decode_responses=True,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        # A pooled connection outlives a Redis restart; its first use then fails. One
        # immediate retry on a fresh connection tells that apart from Redis being down.
        retry=Retry(NoBackoff(), retries=1),
        retry_on_error=[RedisConnectionError],
    )
    return Redis.from_pool(pool)


def connect_cluster(settings: Settings, url: str) -> RedisCluster:
    """A client of the cluster ``url``'s node belongs to, with the same timeouts."""
    return RedisCluster.from_url(
        url,
        max_connections=settings.redis_max_connections,
        decode_responses=True,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
    )
