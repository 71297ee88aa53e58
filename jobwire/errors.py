"""Domain errors that the API maps to problem details and the socket layer to error acks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError


class JobwireError(Exception):
    """Base of errors a user can act on; ``status`` is the HTTP status they map to."""

    status = 500
    title = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidSpec(JobwireError):
    status = 422
    title = "Invalid job spec"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.errors = errors or ([{"field": field, "message": detail}] if field else [])

    @classmethod
    def from_validation_error(
        cls, exc: ValidationError, *, union_tags: frozenset[str] = frozenset()
    ) -> InvalidSpec:
        errors = [
            {"field": field_path(error["loc"], union_tags), "message": error["msg"]}
            for error in exc.errors(include_url=False)
        ]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return cls(summary or "invalid job spec", errors=errors)


class JobNotFound(JobwireError):
    status = 404
    title = "Job not found"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job {job_id!r}")
        self.job_id = job_id


class IllegalTransition(JobwireError):
    status = 409
    title = "Action not allowed in this state"

    def __init__(self, action: str, state: str) -> None:
        super().__init__(f"cannot {action} a job that is {state}")
        self.action = action
        self.state = state


class JobFailed(JobwireError):
    """Raised by a phase for a business failure (a risk check, an unusable dataset): the job
    ends as failed with this message and is not retried."""

    status = 422
    title = "Job failed"

    def __init__(self, error_type: str, detail: str) -> None:
        super().__init__(detail)
        self.error_type = error_type


def field_path(location: Sequence[int | str], union_tags: frozenset[str] = frozenset()) -> str:
    """``quantity`` rather than ``body.trade.quantity``: where a request carried the field and
    which member of the JobSpec union pydantic tried are noise to the person fixing it."""
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in union_tags:
        parts = parts[1:]
    return ".".join(parts)


class ScheduleNotFound(JobwireError):
    status = 404
    title = "Schedule not found"

    def __init__(self, schedule_id: str) -> None:
        super().__init__(f"no schedule {schedule_id!r}")
        self.schedule_id = schedule_id


class InvalidSchedule(InvalidSpec):
    """A timetable Temporal refuses or runs too often, or one schedule over the user's cap."""

    title = "Invalid schedule"


class NoWorkerAnswered(JobwireError):
    """A change a worker must apply (a control, a user's preferences) was not taken within its
    wait: no worker polls, or the one that does is stuck. Temporal may still apply it once one
    polls, so the answer says to look before sending it again."""

    status = 503
    title = "No worker answered"
