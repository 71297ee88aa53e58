"""Refuses JSON request bodies holding ``NaN``, ``Infinity`` or ``-Infinity`` with a 422 problem.

These literals are not JSON (RFC 8259), yet Python's ``json.loads``, and so Starlette's
``Request.json``, reads them as floats; a model that allows such floats would carry them into
a workflow. The body is checked as it is received, and the exception raised from ``receive``
is an ``HTTPException``, which FastAPI passes through its body parsing (anything else turns
into a 400). Only a body that names one of the literals somewhere is parsed a second time, to
find where: the problem names the field holding it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.error_handlers import FieldError, problem_response

_LITERALS = (b"NaN", b"Infinity")


class NonFiniteLiteral(HTTPException):
    def __init__(self, field: str, literal: str) -> None:
        self.field = field
        self.message = f"{literal} is not a JSON number; numbers must be finite"
        super().__init__(422, f"{field}: {self.message}")


def non_finite_field(body: bytes) -> tuple[str, str] | None:
    """The dotted path of the first ``NaN``/``Infinity`` literal in ``body`` and the literal
    itself; ``None`` when there is none (or the body is no JSON: the app's parser says so)."""
    if not any(literal in body for literal in _LITERALS):
        return None
    marker = _Marker()
    try:
        document = json.loads(body, parse_constant=marker)
    except ValueError:
        return None
    path = _path_to(document, marker)
    if path is None:
        return None
    return (".".join(path) or "body", marker.literals[0])


class _Marker:
    """Stands in for each non-finite literal so the walk can find where it was."""

    def __init__(self) -> None:
        self.literals: list[str] = []

    def __call__(self, literal: str) -> Any:
        self.literals.append(literal)
        return self


def _path_to(value: Any, marker: _Marker) -> list[str] | None:
    if value is marker:
        return []
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        found = _path_to(item, marker)
        if found is not None:
            return [str(key), *found]
    return None


class StrictJson:
    """ASGI middleware: a JSON body with a non-finite literal never reaches a handler."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body = bytearray()

        async def checking_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    found = non_finite_field(bytes(body))
                    if found is not None:
                        raise NonFiniteLiteral(*found)
            return message

        await self.app(scope, checking_receive, send)


def _is_json(scope: Scope) -> bool:
    header: bytes = dict(scope["headers"]).get(b"content-type", b"")
    content_type = header.split(b";")[0].strip()
    return content_type == b"application/json" or content_type.endswith(b"+json")


async def _non_finite(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NonFiniteLiteral)
    return problem_response(
        request,
        422,
        title="Invalid request",
        detail=exc.detail,
        slug="invalid-request",
        errors=[FieldError(field=exc.field, message=exc.message)],
    )


def refuse_non_finite_json(app: FastAPI) -> None:
    """Installs the check and its problem handler on ``app``."""
    app.add_exception_handler(NonFiniteLiteral, _non_finite)
    app.add_middleware(StrictJson)
