"""Errors the client raises; each HTTP error carries the server's problem details."""

from __future__ import annotations

from http import HTTPStatus

import httpx
from pydantic import ValidationError

from jobwire.client.models import FieldError, Problem


class JobwireClientError(Exception):
    """Base of everything the client raises on purpose."""


class ServerUnreachable(JobwireClientError):
    """No HTTP answer at all: the server is down, the URL is wrong, or the network failed."""


class FeedUnavailable(JobwireClientError):
    """The Socket.IO feed could not be reached or dropped; the watcher retries these."""


class ApiError(JobwireClientError):
    """The server answered with an error; ``problem`` holds its RFC 9457 details."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.status = problem.status
        super().__init__(format_problem(problem))


class InvalidRequest(ApiError):
    """400 or 422: the request or the job spec was refused; ``problem.errors`` says where."""


class Unauthorized(ApiError):
    """401 or 403, or a refused Socket.IO connection: the token is missing, bad or expired."""


class NotFound(ApiError):
    """404: no such job, or it belongs to someone else."""


class Conflict(ApiError):
    """409: the action is not allowed in the job's current state (``problem.state``)."""


class RateLimited(ApiError):
    """429: too many jobs too fast; ``retry_after`` seconds until the next try may pass."""

    def __init__(self, problem: Problem, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.retry_after = retry_after


def format_problem(problem: Problem) -> str:
    """One readable paragraph: title, detail, then one line per field error."""
    head = problem.title or f"HTTP {problem.status}"
    if problem.status:
        head = f"{head} ({problem.status})"
    lines = [head]
    if problem.detail and problem.detail != problem.title:
        lines[0] += f": {problem.detail}"
    if problem.state:
        lines.append(f"  current state: {problem.state}")
    for error in problem.errors:
        where = error.field or "(body)"
        lines.append(f"  {where}: {error.message}")
    return "\n".join(lines)


def error_for(problem: Problem, retry_after: float | None = None) -> ApiError:
    """The ``ApiError`` subclass that matches the problem's status."""
    status = problem.status
    if status in (HTTPStatus.BAD_REQUEST, HTTPStatus.UNPROCESSABLE_ENTITY):
        return InvalidRequest(problem)
    if status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
        return Unauthorized(problem)
    if status == HTTPStatus.NOT_FOUND:
        return NotFound(problem)
    if status == HTTPStatus.CONFLICT:
        return Conflict(problem)
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        return RateLimited(problem, retry_after)
    return ApiError(problem)


def problem_from_response(response: httpx.Response) -> Problem:
    """Problem details from any error answer, also one that is not ``problem+json``."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, list):  # FastAPI's own validation shape
            body = {**body, "detail": "request validation failed"}
            body["errors"] = [
                FieldError(
                    field=".".join(str(p) for p in item.get("loc", [])[1:]) or None,
                    message=str(item.get("msg", item)),
                ).model_dump()
                for item in detail
                if isinstance(item, dict)
            ]
        body.setdefault("status", response.status_code)
        body.setdefault("title", response.reason_phrase)
        try:
            return Problem.model_validate(body)
        except ValidationError:
            pass
    return Problem(
        title=response.reason_phrase,
        status=response.status_code,
        detail=response.text[:500] or None,
    )
