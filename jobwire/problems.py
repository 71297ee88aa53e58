"""RFC 9457 problem details of an error: one body for REST answers and Socket.IO acks, so a
client reads a refused subscribe exactly as it reads a refused ``POST``."""

from __future__ import annotations

import re
from typing import Any

from temporalio.service import RPCError, RPCStatusCode

from jobwire.errors import IllegalTransition, InvalidSpec, JobwireError

PROBLEM_BASE = "https://jobwire.dev/problems/"
TEMPORAL_UNAVAILABLE = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}
MISSING_SEARCH_ATTRIBUTE = re.compile(
    r"(?:no mapping defined for search attribute|invalid search attribute:?) (\w+)"
)
"""How Temporal refuses a start (the first) or a query (the second) that names a search
attribute its namespace does not have."""


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
    if isinstance(exc, RPCError) and (name := missing_search_attribute(exc)) is not None:
        return {
            "type": problem_type("TemporalNotSetUp"),
            "title": "Service Unavailable",
            "status": 503,
            "detail": f"Temporal's namespace has no search attribute {name}, which jobwire "
            "needs: an operator runs `jobwire setup` once against it",
        }
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


def missing_search_attribute(exc: RPCError) -> str | None:
    """The attribute a namespace lacks, when that is why Temporal refused: jobwire was
    upgraded to one that uses a new attribute and ``jobwire setup`` has not run since."""
    if exc.status != RPCStatusCode.INVALID_ARGUMENT:
        return None
    found = MISSING_SEARCH_ATTRIBUTE.search(exc.message)
    return found.group(1) if found else None


def is_foreseen(body: dict[str, Any]) -> bool:
    """False for the bare 500 of an error nobody raised on purpose: that one is logged."""
    return bool(body["type"] != "about:blank")


def problem_type(name: str) -> str:
    """``https://jobwire.dev/problems/invalid-spec`` for ``InvalidSpec``."""
    kebab = "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")
    return PROBLEM_BASE + kebab
