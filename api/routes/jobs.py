"""/api/jobs: submit, list, read, control and follow the caller's own jobs.

Every handler works on behalf of the token's user only; the job service answers 404 for a job
of anyone else, exactly as for a job that does not exist. The body type of ``POST /api/jobs``
is the union of the registered job types, built when the app starts (plugins included), which
is why this module builds its router in a function and keeps annotations evaluated eagerly.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Response, status
from pydantic import BeforeValidator
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api.auth import CurrentUser
from api.dependencies import Jobs, Limiter, Metrics, RedisDep
from api.error_handlers import ProblemError, problem_responses
from api.models import EventPage, RestartRequest
from jobwire.contract.records import JobPage, JobRecord, JobStats
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.states import JobAction, JobState
from jobwire.contract.workflow_api import is_job_id
from jobwire.errors import InvalidSpec, JobNotFound
from realtime.replay import read_since
from realtime.snapshot import snapshot_event

MAX_SEQ = 2**53 - 1
"""The largest integer every JSON client (JavaScript included) reads exactly."""
JobId = Annotated[str, Path(description="The job's id (its Temporal workflow id).")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Repeating a POST with the same key returns the same job.",
    ),
]


def known_job_id(job_id: str) -> str:
    """An id that cannot be a job's is answered like a missing job, without asking Temporal."""
    if not is_job_id(job_id):
        raise JobNotFound(job_id)
    return job_id


def jobs_router(registry: JobTypeRegistry) -> APIRouter:
    router = APIRouter(
        prefix="/api/jobs", tags=["jobs"], responses=problem_responses(401, 422, 503)
    )
    spec_type: Any = Annotated[registry.union_type(), BeforeValidator(registry.precheck)]
    examples = {
        definition.name: {"summary": definition.description, "value": example}
        for definition in registry.definitions()
        for example in definition.examples[:1]
    }

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        response_model=JobRecord,
        responses=problem_responses(400, 413, 429),
        summary="Submit a job",
    )
    async def submit_job(
        user: CurrentUser,
        jobs: Jobs,
        limiter: Limiter,
        metrics: Metrics,
        response: Response,
        spec: Annotated[spec_type, Body(openapi_examples=examples)],
        idempotency_key: IdempotencyKey = None,
    ) -> JobRecord:
        """Starts the job as a Temporal workflow; a repeated ``Idempotency-Key`` returns the
        job the first request started, without counting against the rate limit again."""
        payload = spec.model_dump(mode="json")
        if idempotency_key is None:
            await limiter.check(user.user_id)
            record, created = await jobs.submit(user.user_id, payload)
        else:
            record, created = await jobs.submit(
                user.user_id, payload, idempotency_key=idempotency_key
            )
            if created:
                await limiter.check(user.user_id)
        if created:
            metrics.submitted.labels(type=record.type).inc()
        else:
            response.headers["Idempotent-Replayed"] = "true"
        response.headers["Location"] = f"/api/jobs/{record.job_id}"
        return record

    @router.get("", response_model=JobPage, summary="List your jobs, newest first")
    async def list_jobs(
        user: CurrentUser,
        jobs: Jobs,
        state: JobState | None = None,
        type: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(max_length=4096)] = None,
    ) -> JobPage:
        if type is not None and type not in registry.names():
            raise InvalidSpec(f"unknown job type {type!r}", field="type")
        return await jobs.list(user.user_id, state=state, type=type, limit=limit, cursor=cursor)

    @router.get("/stats", response_model=JobStats, summary="Count your jobs by state and type")
    async def job_stats(user: CurrentUser, jobs: Jobs) -> JobStats:
        return await jobs.stats(user.user_id)

    @router.get(
        "/{job_id}",
        response_model=JobRecord,
        responses=problem_responses(404),
        summary="Read a job",
    )
    async def get_job(user: CurrentUser, jobs: Jobs, job_id: JobId) -> JobRecord:
        return await jobs.get(user.user_id, known_job_id(job_id))

    def control_route(action: JobAction) -> None:
        async def control(user: CurrentUser, jobs: Jobs, job_id: JobId) -> JobRecord:
            return await jobs.control(user.user_id, known_job_id(job_id), action)

        control.__name__ = f"{action.value}_job"
        router.add_api_route(
            f"/{{job_id}}/{action.value}",
            control,
            methods=["POST"],
            status_code=status.HTTP_202_ACCEPTED,
            response_model=JobRecord,
            responses=problem_responses(404, 409),
            summary=f"{action.value.capitalize()} a job",
            description=_CONTROL_DOCS[action],
        )

    for action in (JobAction.PAUSE, JobAction.RESUME, JobAction.CANCEL):
        control_route(action)

    @router.post(
        "/{job_id}/restart",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=JobRecord,
        responses=problem_responses(400, 404, 409, 413, 429),
        summary="Restart a job from its original or an amended spec",
    )
    async def restart_job(
        user: CurrentUser,
        jobs: Jobs,
        limiter: Limiter,
        metrics: Metrics,
        job_id: JobId,
        body: Annotated[RestartRequest | None, Body()] = None,
    ) -> JobRecord:
        """A fresh job (a new id, ``restarted_from`` pointing here); the old one is kept."""
        await limiter.check(user.user_id)
        record = await jobs.restart(user.user_id, known_job_id(job_id), body.spec if body else None)
        metrics.submitted.labels(type=record.type).inc()
        return record

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
        record = await jobs.get(user.user_id, known_job_id(job_id))
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

    return router


_CONTROL_DOCS = {
    JobAction.PAUSE: "The running phase hands back its checkpoint; nothing runs until resumed.",
    JobAction.RESUME: "Continues from the last checkpoint (also a failed job that has one).",
    JobAction.CANCEL: "Stops the job for good; it ends as cancelled.",
}
