"""Security headers on every HTTP answer: the console, the docs and the JSON API alike.

The console loads nothing but its own hashed bundles, so its policy allows only this origin;
the docs pages set their own, wider policy (``api.routes.docs``) and this middleware keeps it.
Socket.IO is served beside FastAPI and never passes through here.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONSOLE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""The console's own assets only (its icon is a ``data:`` URL); no page may frame it."""

BASELINE = {
    "Content-Security-Policy": CONSOLE_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""Set on every answer that does not already carry the header."""


class SecurityHeaders:
    """Adds ``BASELINE`` to each response's headers, keeping any a route set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in BASELINE.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
