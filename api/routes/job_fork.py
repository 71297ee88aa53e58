"""POST /api/jobs/{id}/fork: a new job that reuses an ended job's finished phases.

The source must have ended (409 with its state otherwise); an unknown phase, a phase whose
predecessors did not finish, a checkpoint the source never left, or a spec that does not
validate is a 422 naming its field; another user's job is a 404. A fork counts against the
caller's rate limit like a submission, and only once it is sure to start.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.dependencies import CurrentUser, Jobs, Limiter, Metrics
from api.error_handlers import problem_responses
from api.routes.job_params import JobId
from jobwire.contract.records import JobRecord

PHASE_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
"""Phase names are the names of their functions in a job type's phases module."""


class ForkRequest(BaseModel):
    """Where to fork, and what to change."""

    model_config = ConfigDict(extra="forbid")

    from_phase: str = Field(
        min_length=1,
        max_length=64,
        pattern=PHASE_NAME_PATTERN,
        description="The first phase the new job runs; the phases before it must have "
        "finished in the source, whose outputs the new job reuses.",
    )
    spec: dict[str, Any] | None = Field(
        default=None,
        description="Changes to the source's spec as a JSON Merge Patch (RFC 7396): a "
        "partial or whole spec whose fields replace the source's (null removes one). The "
        "result must validate as a submission would; the job type cannot change.",
    )
    from_checkpoint: bool = Field(
        default=False,
        description="Start `from_phase` at the source's last checkpoint inside it, instead "
        "of its beginning (422 if the source left none there).",
    )


router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503))


@router.post(
    "/{job_id}/fork",
    status_code=status.HTTP_201_CREATED,
    response_model=JobRecord,
    responses=problem_responses(400, 404, 409, 413, 429),
    summary="Fork an ended job from a phase",
    description="Starts a new job that reuses the outputs of the source's phases before "
    "`from_phase` (read from the source's history in Temporal) instead of running them "
    "again. The new record's `forked_from` names the source and the phase.",
)
async def fork_job(
    user: CurrentUser,
    jobs: Jobs,
    limiter: Limiter,
    metrics: Metrics,
    response: Response,
    job_id: JobId,
    body: ForkRequest,
) -> JobRecord:
    plan = await jobs.plan_fork(
        user.user_id,
        job_id,
        body.from_phase,
        spec=body.spec,
        from_checkpoint=body.from_checkpoint,
    )
    await limiter.check(user.user_id)
    record = await jobs.start_fork(plan)
    metrics.submitted.labels(type=record.type).inc()
    response.headers["Location"] = f"/api/jobs/{record.job_id}"
    return record
