"""Per-user limit on job creation, counted in Redis so every API replica shares one budget.

A moving window from the ``limits`` library; a Redis outage lets submissions through (Temporal,
not Redis, is what a job needs), and the refusal carries ``Retry-After``.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import Redis

from api.error_handlers import ProblemError
from jobwire.settings import Settings

log = logging.getLogger(__name__)


class SubmissionLimiter:
    """Job creation by default; ``per_minute`` and ``scope`` make a budget of another kind
    (bulk actions), counted apart."""

    def __init__(
        self,
        settings: Settings,
        redis: Redis,
        *,
        per_minute: int | None = None,
        scope: str = "submit",
        what: str = "jobs",
    ) -> None:
        # The app's own pool: no second set of connections, closed with the app's client.
        self._storage = RedisStorage(
            "async+redis://",
            wrap_exceptions=True,
            implementation="redispy",
            key_prefix="jobwire:ratelimit",
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]  # typed too narrowly
        )
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._item = RateLimitItemPerMinute(per_minute or settings.jobs_per_minute_per_user)
        self._scope = scope
        self._what = what

    async def check(self, user_id: str) -> None:
        """Counts one submission for ``user_id``; raises a 429 problem once over budget."""
        try:
            if await self._limiter.hit(self._item, self._scope, user_id):
                return
            stats = await self._limiter.get_window_stats(self._item, self._scope, user_id)
        except StorageError as exc:
            log.warning("rate limit store unreachable, submission allowed: %s", exc)
            return
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise ProblemError(
            429,
            f"at most {self._item.amount} {self._what} per minute; try again in {retry_after} s",
            slug="rate-limited",
            headers={"Retry-After": str(retry_after)},
        )
