"""``OPTIONS`` and unsupported methods, answered with the path's real ``Allow`` header.

Starlette answers a method a path does not serve with the methods of the first route that
matched the path alone (``POST`` for ``/api/jobs``, though ``GET`` lists), and ``OPTIONS``
with a bare 405. This knows every route, so it answers ``OPTIONS`` with 204 and the full
``Allow``, and any other unsupported method with a 405 problem that carries the same.
A CORS preflight never gets here: ``CORSMiddleware`` answers it first.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.error_handlers import problem_response

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class AllowedMethods:
    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    def allowed(self, scope: Scope) -> set[str]:
        """The methods some route serves at this path (empty when none does); a mount, such
        as the console's assets, serves every method, so its requests pass through."""
        return {
            method
            for method in _METHODS
            if any(
                route.matches({**scope, "method": method})[0] is Match.FULL for route in self.routes
            )
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Costs nothing on the way of a request a route serves: the routes are searched for
        ``OPTIONS``, and for a request the router refused with its own 405."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            methods = self.allowed(scope)
            if methods and "OPTIONS" not in methods:
                allow = ", ".join(sorted(methods | {"OPTIONS"}))
                await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
                return
        refused = False

        async def send_or_refuse(message: Message) -> None:
            nonlocal refused
            start = message["type"] == "http.response.start"
            if start and message["status"] == HTTPStatus.METHOD_NOT_ALLOWED:
                refused = True
                allow = ", ".join(sorted(self.allowed(scope) | {"OPTIONS"}))
                response = problem_response(Request(scope), 405, headers={"Allow": allow})
                await response(scope, receive, send)
            elif not refused:
                await send(message)

        await self.app(scope, receive, send_or_refuse)
