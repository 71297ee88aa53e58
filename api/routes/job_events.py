"""GET /api/jobs/{id}/events: the events after a sequence number, for clients without a socket."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import CurrentUser, Jobs, RedisDep
from api.error_handlers import problem_responses
from api.event_pages import events_after
from api.models import EventPage
from api.routes.job_params import MAX_SEQ, JobId

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503))


@router.get(
    "/{job_id}/events",
    response_model=EventPage,
    responses=problem_responses(404),
    summary="Events after a sequence number",
)
async def job_events(
    *,
    user: CurrentUser,
    jobs: Jobs,
    redis: RedisDep,
    job_id: JobId,
    since: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> EventPage:
    """The same envelopes the socket sends. When events after ``since`` have expired
    from the feed, a ``job.snapshot`` built from Temporal stands in for them."""
    return await events_after(jobs, redis, user.user_id, job_id, since=since, limit=limit)
