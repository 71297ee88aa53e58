"""POST /api/jobs: start one of the caller's jobs.

Its body is the union of the registered job types, built when the app starts (plugins
included), so ``submit_router`` builds this router per app, annotating ``submit_job``'s ``spec``
with that union; the handler itself is an ordinary function.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response, status
from fastapi.openapi.models import Example
from pydantic import BeforeValidator

from api.dependencies import CurrentUser, Jobs, Limiter, Metrics
from api.error_handlers import problem_responses
from api.models import json_as_published
from api.routes.job_params import IdempotencyKey
from api.routes.typed_endpoint import with_parameter_type
from jobwire.contract.records import JobRecord
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.specs import JobInput


async def submit_job(
    *,
    user: CurrentUser,
    jobs: Jobs,
    limiter: Limiter,
    metrics: Metrics,
    response: Response,
    spec: JobInput,
    idempotency_key: IdempotencyKey = None,
) -> JobRecord:
    """Starts the job as a Temporal workflow; a repeated ``Idempotency-Key`` returns the
    job the first request started, without counting against the rate limit again.

    The limit is checked before anything starts: checked after, a refused request would
    still have left its job running."""
    existing = None
    if idempotency_key is not None:
        existing = await jobs.submitted(user.user_id, idempotency_key)
    if existing is None:
        await limiter.check(user.user_id)
        payload = spec.model_dump(mode="json")
        record, created = await jobs.submit(user.user_id, payload, idempotency_key=idempotency_key)
    else:
        record, created = existing, False
    if created:
        metrics.submitted.labels(type=record.type).inc()
    else:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/api/jobs/{record.job_id}"
    return record


def spec_body(registry: JobTypeRegistry) -> Any:
    """The body annotation: the registered types' union, checked by the registry first (for
    words a person understands), with one documented example per type."""
    examples = {
        definition.name: Example(summary=definition.description, value=example)
        for definition in registry.definitions()
        for example in definition.examples[:1]
    }
    # Before-validators run last first: migrate the spec, then check its JSON types.
    return Annotated[
        registry.union_type(),
        BeforeValidator(json_as_published(registry)),
        BeforeValidator(registry.precheck),
        Body(openapi_examples=examples),
    ]


def submit_router(registry: JobTypeRegistry) -> APIRouter:
    router = APIRouter(
        prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503)
    )
    router.add_api_route(
        "",
        with_parameter_type(submit_job, "spec", spec_body(registry)),
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=JobRecord,
        responses={
            **problem_responses(400, 413, 429),
            200: {
                "model": JobRecord,
                "description": "The job an earlier request with this"
                " Idempotency-Key started (`Idempotent-Replayed: true`).",
            },
        },
        summary="Submit a job",
    )
    return router
