"""POST /api/jobs/{id}/pause, /resume, /cancel and /restart: change one of the caller's jobs.

A control the job's state does not allow answers 409 with that state (the workflow's own
validator decides); the job service answers 404 for another user's job.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, status

from api.dependencies import CurrentUser, Jobs, Limiter, Metrics
from api.error_handlers import problem_responses
from api.models import ControlBody, RestartRequest, restart_request
from api.routes.job_params import JobId
from api.routes.typed_endpoint import with_parameter_type
from jobwire.contract.records import JobRecord
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.states import JobAction

ControlBodyArg = Annotated[ControlBody | None, Body()]


def _reason(body: ControlBody | None) -> str | None:
    return body.reason if body else None


router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503))


@router.post(
    "/{job_id}/pause",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobRecord,
    responses=problem_responses(400, 404, 409, 413),
    summary="Pause a job",
    description="The running phase hands back its checkpoint; nothing runs until resumed.",
)
async def pause_job(
    user: CurrentUser, jobs: Jobs, job_id: JobId, body: ControlBodyArg = None
) -> JobRecord:
    return await jobs.control(user.user_id, job_id, JobAction.PAUSE, _reason(body))


@router.post(
    "/{job_id}/resume",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobRecord,
    responses=problem_responses(400, 404, 409, 413),
    summary="Resume a job",
    description="Continues from the last checkpoint (also a failed job that has one).",
)
async def resume_job(
    user: CurrentUser, jobs: Jobs, job_id: JobId, body: ControlBodyArg = None
) -> JobRecord:
    return await jobs.control(user.user_id, job_id, JobAction.RESUME, _reason(body))


@router.post(
    "/{job_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobRecord,
    responses=problem_responses(400, 404, 409, 413),
    summary="Cancel a job",
    description="Stops the job for good; it ends as cancelled.",
)
async def cancel_job(
    user: CurrentUser, jobs: Jobs, job_id: JobId, body: ControlBodyArg = None
) -> JobRecord:
    return await jobs.control(user.user_id, job_id, JobAction.CANCEL, _reason(body))


async def restart_job(
    *,
    user: CurrentUser,
    jobs: Jobs,
    limiter: Limiter,
    metrics: Metrics,
    job_id: JobId,
    body: Annotated[RestartRequest | None, Body()] = None,
) -> JobRecord:
    """A fresh job (a new id, ``restarted_from`` pointing here); the old one is kept.

    Registered by ``restart_route``, which narrows ``body`` to the registered job types."""
    spec = body.spec.model_dump(mode="json") if body and body.spec else None
    await limiter.check(user.user_id)
    record = await jobs.restart(user.user_id, job_id, spec, body.reason if body else None)
    metrics.submitted.labels(type=record.type).inc()
    return record


def restart_route(registry: JobTypeRegistry) -> APIRouter:
    """The restart route, whose body schema is ``registry``'s union (known once it loads)."""
    restart_router = APIRouter(
        prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503)
    )
    body: Any = Annotated[restart_request(registry) | None, Body()]
    restart_router.add_api_route(
        "/{job_id}/restart",
        with_parameter_type(restart_job, "body", body),
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        response_model=JobRecord,
        responses=problem_responses(400, 404, 409, 413, 429),
        summary="Restart a job from its original or an amended spec",
    )
    return restart_router
