"""GET /api/jobs/{id}/events: the events after a sequence number, for clients without a socket.

The envelopes are the ones the socket sends; when the feed no longer holds what ``since``
asks for, a snapshot built from Temporal stands in, so the answer is never a silent gap.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.auth import CurrentUser
from api.dependencies import Jobs, RedisDep
from api.error_handlers import ProblemError, problem_responses
from api.models import EventPage
from api.routes.job_params import MAX_SEQ, JobId
from realtime.replay import read_since
from realtime.snapshot import snapshot_event

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503))


@router.get(
    "/{job_id}/events",
    response_model=EventPage,
    responses=problem_responses(404),
    summary="Events after a sequence number",
)
async def job_events(
    user: CurrentUser,
    jobs: Jobs,
    redis: RedisDep,
    job_id: JobId,
    since: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> EventPage:
    """The same envelopes the socket sends. When events after ``since`` have expired
    from the feed, a ``job.snapshot`` built from Temporal stands in for them."""
    record = await jobs.get(user.user_id, job_id)
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
