"""DELETE /api/jobs/{id}: remove one of the caller's jobs for good.

An ended job is deleted at once (204); a running one answers 409 with its state unless
``force=true``, which cancels it first. Another user's job answers 404 as every route does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.dependencies import CurrentUser, Jobs, RedisDep
from api.error_handlers import problem_responses
from api.routes.job_params import JobId

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503))


@router.delete(
    "/{job_id:job_segment}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(404, 409),
    summary="Delete a job",
    description="Removes the job from Temporal and its events from the live feed. A running "
    "job is refused with 409 unless `force=true`, which cancels it first (and terminates it "
    "if it does not end in time). Lists may show the job for a moment longer.",
)
async def delete_job(
    user: CurrentUser,
    jobs: Jobs,
    redis: RedisDep,
    job_id: JobId,
    force: Annotated[
        bool, Query(description="Cancel a running job first instead of refusing.")
    ] = False,
) -> Response:
    await jobs.delete(user.user_id, job_id, redis, force=force)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
