"""POST /api/jobs/actions: pause, resume, cancel or restart many of the caller's jobs at once.

Each job is answered on its own (done, not allowed in its state, not found), so one refusal
never hides what happened to the rest; the request counts against a bulk budget, and each
restart, which starts a job, against the job-creation budget too.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter

from api.dependencies import ActionLimiter, CurrentUser, Jobs, Limiter
from api.error_handlers import ProblemError, problem_responses
from jobwire.contract.bulk import BulkRequest, BulkResult

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503))


@router.post(
    "/actions",
    response_model=BulkResult,
    responses=problem_responses(400, 413, 429),
    summary="Pause, resume, cancel or restart many jobs",
    description="Names the jobs by `ids` or by `filter` (the list's filters); answers each "
    "job with `done`, `not_allowed` (its state refuses the action), `not_found` or "
    "`no_worker` (no worker took it in time).",
)
async def bulk_action(
    user: CurrentUser, jobs: Jobs, limiter: ActionLimiter, submissions: Limiter, body: BulkRequest
) -> BulkResult:
    await limiter.check(user.user_id)

    async def admit() -> bool:
        try:
            await submissions.check(user.user_id)
        except ProblemError as exc:
            if exc.status != HTTPStatus.TOO_MANY_REQUESTS:
                raise
            return False
        return True

    return await jobs.bulk(user.user_id, body, admit=admit)
