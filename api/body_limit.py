"""Refuses request bodies over the configured size with a 413 problem, before they are read.

Starlette's own ``max_body_size`` answers a declared oversize with a fixed plain-text 413 that
replaces whatever the app sends, which would break the promise that every error is problem
details; this middleware keeps that promise. It checks ``Content-Length`` up front and counts
streamed chunks as they arrive, so a chunked upload is cut off too.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.error_handlers import PROBLEM_MEDIA_TYPE
from jobwire.problems import PROBLEM_BASE


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` mid-stream. An HTTPException, because FastAPI passes those
    through its body parsing (anything else becomes a 400) on to the problem handler."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, too_large_detail(max_bytes))


def too_large_detail(max_bytes: int) -> str:
    return f"request bodies are limited to {max_bytes} bytes"


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = json.dumps(
            {
                "type": f"{PROBLEM_BASE}body-too-large",
                "title": "Content Too Large",
                "status": 413,
                "detail": too_large_detail(self.max_bytes),
                "instance": scope.get("path", ""),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
