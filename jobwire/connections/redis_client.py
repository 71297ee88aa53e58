"""Connects to Redis the same way in every process: bounded pool, short timeouts, text replies.

The pool blocks rather than raising when every connection is busy, so a burst of events from
many concurrent activities queues for a moment instead of being dropped as an outage; and a
connection that went stale across a Redis restart is replaced instead of failing a call.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

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
        # A pooled connection outlives a Redis restart; its first use then fails. One
        # immediate retry on a fresh connection tells that apart from Redis being down.
        retry=Retry(NoBackoff(), retries=1),
        retry_on_error=[RedisConnectionError],
    )
    return Redis.from_pool(pool)
