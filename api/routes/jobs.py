"""GET /api/jobs, /api/jobs/stats, /api/jobs/stale and /api/jobs/{id}: the caller's own jobs, read.

Every handler works on behalf of the token's user only; the job service answers 404 for a job
of anyone else, exactly as for a job that does not exist. Submitting is in ``job_submit``,
controls in ``job_control``, the event replay in ``job_events``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import CurrentUser, Jobs
from api.error_handlers import problem_responses
from api.routes.job_filters import Filters
from api.routes.job_params import JobId
from jobwire.contract.records import PAGE_SIZE_MAX, JobPage, JobRecord, JobStats, StaleJobs
from jobwire.jobs.visibility_query import CURSOR_PATTERN

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503))


@router.get("", response_model=JobPage, summary="List your jobs, newest first")
async def list_jobs(
    *,
    user: CurrentUser,
    jobs: Jobs,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 50,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=4096,
            pattern=CURSOR_PATTERN,
            description="The `next_cursor` of the page before; any other value is a 422.",
        ),
    ] = None,
) -> JobPage:
    return await jobs.list(user.user_id, job_filter=filters, limit=limit, cursor=cursor)


# Declared before ``/{job_id}``, which would otherwise take "stats" for a job id.
@router.get("/stats", response_model=JobStats, summary="Count your jobs by state and type")
async def job_stats(user: CurrentUser, jobs: Jobs) -> JobStats:
    return await jobs.stats(user.user_id)


@router.get(
    "/stale", response_model=StaleJobs, summary="List your running jobs whose phase went silent"
)
async def stale_jobs(
    user: CurrentUser,
    jobs: Jobs,
    older_than: Annotated[
        float | None,
        Query(
            gt=0,
            le=7 * 24 * 3600,
            description="Seconds without a heartbeat; the server's stale_heartbeat_seconds "
            "when left out.",
        ),
    ] = None,
) -> StaleJobs:
    return await jobs.stale(user.user_id, older_than)


@router.get(
    "/{job_id:job_segment}",
    response_model=JobRecord,
    responses=problem_responses(404),
    summary="Read a job",
)
async def get_job(user: CurrentUser, jobs: Jobs, job_id: JobId) -> JobRecord:
    return await jobs.get(user.user_id, job_id)
