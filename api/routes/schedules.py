"""/api/schedules: the caller's schedules, each a Temporal Schedule whose runs are their jobs.

Every handler works on behalf of the token's user only; another user's schedule answers 404,
as one that does not exist. Creating a schedule and triggering a run count against the same
per-user budget as submitting a job. The create and change bodies carry a job spec, typed by
the registry's union, so ``schedules_router`` builds this router per app.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Response, status

from api.dependencies import CurrentUser, Limiter, Schedules
from api.error_handlers import problem_responses
from api.routes.typed_endpoint import with_parameter_type
from api.schedule_bodies import schedule_change, schedule_request
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.schedules import (
    SCHEDULE_ID_PATTERN,
    ScheduleChange,
    ScheduleControl,
    SchedulePage,
    ScheduleRecord,
    ScheduleRequest,
)

ScheduleId = Annotated[
    str,
    Path(
        description="The schedule's id (its Temporal schedule id); any other value is a 404.",
        json_schema_extra={"pattern": SCHEDULE_ID_PATTERN},
    ),
]
ControlArg = Annotated[ScheduleControl | None, Body()]

router = APIRouter(
    prefix="/api/schedules", tags=["schedules"], responses=problem_responses(401, 422, 503)
)


async def create_schedule(
    *,
    user: CurrentUser,
    schedules: Schedules,
    limiter: Limiter,
    response: Response,
    body: ScheduleRequest,
) -> ScheduleRecord:
    """Checks the spec, the timetable and the cap before Temporal hears of the schedule."""
    await limiter.check(user.user_id)
    record = await schedules.create(user.user_id, body)
    response.headers["Location"] = f"/api/schedules/{record.schedule_id}"
    return record


async def change_schedule(
    *, user: CurrentUser, schedules: Schedules, schedule_id: ScheduleId, body: ScheduleChange
) -> ScheduleRecord:
    return await schedules.update(user.user_id, schedule_id, body)


@router.get("", response_model=SchedulePage, summary="List your schedules, newest first")
async def list_schedules(user: CurrentUser, schedules: Schedules) -> SchedulePage:
    return await schedules.list(user.user_id)


@router.get(
    "/{schedule_id}",
    response_model=ScheduleRecord,
    responses=problem_responses(404),
    summary="Read a schedule, with its next and recent runs",
)
async def get_schedule(
    user: CurrentUser, schedules: Schedules, schedule_id: ScheduleId
) -> ScheduleRecord:
    return await schedules.get(user.user_id, schedule_id)


@router.delete(
    "/{schedule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(404),
    summary="Delete a schedule",
    description="The jobs it started stay. Lists may show it for a moment longer.",
)
async def delete_schedule(
    user: CurrentUser, schedules: Schedules, schedule_id: ScheduleId
) -> Response:
    await schedules.delete(user.user_id, schedule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{schedule_id}/pause",
    response_model=ScheduleRecord,
    responses=problem_responses(400, 404, 413),
    summary="Pause a schedule: no run starts until it is unpaused",
)
async def pause_schedule(
    user: CurrentUser, schedules: Schedules, schedule_id: ScheduleId, body: ControlArg = None
) -> ScheduleRecord:
    return await schedules.pause(user.user_id, schedule_id, body.reason if body else None)


@router.post(
    "/{schedule_id}/unpause",
    response_model=ScheduleRecord,
    responses=problem_responses(400, 404, 413),
    summary="Unpause a schedule",
)
async def unpause_schedule(
    user: CurrentUser, schedules: Schedules, schedule_id: ScheduleId, body: ControlArg = None
) -> ScheduleRecord:
    return await schedules.unpause(user.user_id, schedule_id, body.reason if body else None)


@router.post(
    "/{schedule_id}/trigger",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ScheduleRecord,
    responses=problem_responses(404, 429),
    summary="Start a run now",
    description="Under the schedule's overlap policy, also while it is paused. The answer's "
    "`recent_runs` names the new job once Temporal has started it (usually at once).",
)
async def trigger_schedule(
    user: CurrentUser, schedules: Schedules, limiter: Limiter, schedule_id: ScheduleId
) -> ScheduleRecord:
    await limiter.check(user.user_id)
    return await schedules.trigger(user.user_id, schedule_id)


def schedules_router(registry: JobTypeRegistry) -> APIRouter:
    """The create and change routes, whose bodies carry ``registry``'s union (``router``
    has the rest)."""
    typed = APIRouter(
        prefix="/api/schedules", tags=["schedules"], responses=problem_responses(401, 422, 503)
    )
    request: Any = Annotated[schedule_request(registry), Body()]
    typed.add_api_route(
        "",
        with_parameter_type(create_schedule, "body", request),
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=ScheduleRecord,
        responses=problem_responses(400, 413, 429),
        summary="Create a schedule",
    )
    change: Any = Annotated[schedule_change(registry), Body()]
    typed.add_api_route(
        "/{schedule_id}",
        with_parameter_type(change_schedule, "body", change),
        methods=["PATCH"],
        response_model=ScheduleRecord,
        responses=problem_responses(400, 404, 413),
        summary="Change a schedule's timetable, job, overlap policy or note",
    )
    return typed
