"""RFC 9457 problem details of an error: one body for REST answers and Socket.IO acks, so a
client reads a refused subscribe exactly as it reads a refused ``POST``."""

from __future__ import annotations

from typing import Any

from temporalio.service import RPCError, RPCStatusCode

from jobwire.errors import IllegalTransition, InvalidSpec, JobwireError

PROBLEM_BASE = "https://jobwire.dev/problems/"
TEMPORAL_UNAVAILABLE = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}


def problem_details(exc: BaseException) -> dict[str, Any]:
    """The body for ``exc``; anything unforeseen is a bare 500 whose message stays in the log
    (the caller logs it), never in the answer."""
    if isinstance(exc, JobwireError):
        body: dict[str, Any] = {
            "type": problem_type(type(exc).__name__),
            "title": exc.title,
            "status": exc.status,
            "detail": exc.detail,
            "errors": [],
        }
        if isinstance(exc, InvalidSpec):
            body["errors"] = [
                {"field": error.get("field") or "", "message": error["message"]}
                for error in exc.errors
            ]
        if isinstance(exc, IllegalTransition):
            body["state"] = exc.state
        return body
    if isinstance(exc, RPCError) and exc.status in TEMPORAL_UNAVAILABLE:
        return {
            "type": problem_type("TemporalUnavailable"),
            "title": "Service Unavailable",
            "status": 503,
            "detail": "Temporal is unreachable; try again shortly",
        }
    return {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The server failed; the error was logged.",
    }


def is_foreseen(body: dict[str, Any]) -> bool:
    """False for the bare 500 of an error nobody raised on purpose: that one is logged."""
    return bool(body["type"] != "about:blank")


def problem_type(name: str) -> str:
    """``https://jobwire.dev/problems/invalid-spec`` for ``InvalidSpec``."""
    kebab = "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")
    return PROBLEM_BASE + kebab
