"""Connects to Redis the same way in every process: bounded pool, short timeouts, text replies.

The pool blocks rather than raising when every connection is busy, so a burst of events from
many concurrent activities queues for a moment instead of being dropped as an outage.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

from jobwire.settings import Settings


def connect_redis(settings: Settings, url: str | None = None) -> Redis:
    target = url or settings.redis_url
    if not target:
        raise RuntimeError("JOBWIRE_REDIS_URL (or REDIS_URL) is not set")
    pool = BlockingConnectionPool.from_url(
        target,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout_seconds,
        decode_responses=True,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
    )
    return Redis.from_pool(pool)
