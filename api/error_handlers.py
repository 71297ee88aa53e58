"""RFC 9457 problem details for every error the API answers, so clients parse one shape.

Domain errors (``JobwireError``), request validation, HTTP errors raised by FastAPI or
Starlette, an unreachable Temporal and anything unexpected all end here; the last one answers
500 without leaking its message, which goes to the log instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError

from jobwire.errors import JobwireError, field_path
from jobwire.problems import PROBLEM_BASE, is_foreseen, problem_details

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. 'spec.quantity'.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem; ``errors`` names each bad field, ``state`` comes with a 409."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    state: str | None = Field(default=None, description="The job's current state (409 only).")


class ProblemError(Exception):
    """An HTTP answer with problem details and optional headers, raised from anywhere."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.headers = headers or {}


def problem_response(
    request: Request,
    status: int,
    *,
    detail: str | None = None,
    title: str | None = None,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"{PROBLEM_BASE}{slug}" if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    return _answer(request, body | extra, headers)


def _answer(
    request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    problem = Problem.model_validate(body | {"instance": request.url.path})
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    tags = frozenset(request.app.state.registry.names())
    errors = [
        FieldError(
            field=field_path(_spec_location(request, error.get("loc", ())), tags),
            message=str(error.get("msg", "")),
        )
        for error in exc.errors()
    ]
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5]) or "invalid request"
    return problem_response(
        request, 422, title="Invalid request", detail=summary, slug="invalid-request", errors=errors
    )


def _spec_location(request: Request, location: Sequence[Any]) -> Sequence[Any]:
    """A restart's amended spec (``body.spec.<type>.items``) names its fields as a submitted
    spec does (``items``), so the console shows the error beside the same field either way."""
    restart = request.url.path.endswith("/restart")
    if restart and list(location[:2]) == ["body", "spec"] and location[2:]:
        return [location[0], *location[2:]]
    return location


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, JobwireError)
    return _answer(request, problem_details(exc))


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, detail=exc.detail, slug=exc.slug, headers=exc.headers
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem_response(
        request,
        exc.status_code,
        detail=str(exc.detail) if exc.detail else None,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _temporal(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RPCError)
    request.app.state.metrics.temporal_errors.labels(operation=_operation(request)).inc()
    body = problem_details(exc)
    if not is_foreseen(body):
        return await _unexpected(request, exc)
    return _answer(request, body, headers={"Retry-After": "5"})


def _operation(request: Request) -> str:
    """The route, as its template: one series per route, whatever the job id."""
    route = getattr(request.scope.get("route"), "path", "unmatched")
    return f"{request.method} {route}"


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, RedisError):
        request.app.state.metrics.redis_errors.labels(operation=_operation(request)).inc()
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(request, problem_details(exc))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(JobwireError, _domain)
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RPCError, _temporal)
    app.add_exception_handler(Exception, _unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries so every documented error names the Problem schema."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
