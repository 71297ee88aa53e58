"""A page of one job's events for REST clients: the feed's replay, or a snapshot in its place.

The socket bridge delivers the same envelopes live; this is the one place the REST side reads
them, so the events route only reads its request and returns what this answers.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.error_handlers import ProblemError
from api.models import EventPage
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since
from jobwire.projection.snapshot import snapshot_event


async def events_after(
    jobs: JobService, redis: Redis, user_id: str, job_id: str, *, since: int, limit: int
) -> EventPage:
    """Events with seq > ``since`` of ``user_id``'s job. When the feed no longer holds them,
    a ``job.snapshot`` built from Temporal stands in, so the answer is never a silent gap;
    with the feed unreachable, a 503 that points at the record Temporal still serves."""
    record = await jobs.get(user_id, job_id)
    try:
        replay = await read_since(redis, job_id, since, limit=limit)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        raise ProblemError(
            503,
            "the live feed is unreachable; GET /api/jobs/{id} still answers from Temporal",
            slug="feed-unavailable",
            headers={"Retry-After": "2"},
        ) from exc
    if replay.complete:
        return EventPage(events=replay.events, last_seq=replay.last_seq)
    return EventPage(events=[snapshot_event(record, replay.last_seq)], last_seq=replay.last_seq)
