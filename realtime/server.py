"""The Socket.IO server of one API instance, and the live feed's hub mounted on it: the
namespace calls the hub, and the hub knows nothing of the namespace."""

from __future__ import annotations

from typing import Any

import socketio
from redis.asyncio import Redis

from jobwire.jobs.service import JobService
from jobwire.logs import one_line_errors
from jobwire.settings import Settings
from realtime.client import OnRelay
from realtime.hub import Hub
from realtime.namespace import JobsNamespace

MAX_SOCKET_MESSAGE_BYTES = 1_000_000


def create_server(settings: Settings) -> socketio.AsyncServer:
    """A browser may open a socket from the API's own origin or one of ``cors_origins``
    only; a client that sends no ``Origin`` (the CLI, scripts) is not a browser and is let in
    (its token is what admits it)."""
    one_line_errors("engineio.server", "socketio.server")
    return socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins=OriginCheck(settings.cors_origins),
        max_http_buffer_size=MAX_SOCKET_MESSAGE_BYTES,
        ping_interval=20,
        ping_timeout=20,
    )


def live_feed(
    sio: socketio.AsyncServer,
    settings: Settings,
    jobs: JobService,
    redis: Redis,
    *,
    on_relay: OnRelay = lambda event, clients: None,
) -> Hub:
    """The hub of this instance, with the ``/jobs`` namespace that answers its clients."""
    hub = Hub(sio, settings, jobs, redis, on_relay=on_relay)
    sio.register_namespace(JobsNamespace(hub))
    return hub


class OriginCheck:
    """python-engineio's ``cors_allowed_origins`` as a callable: its own same-origin default
    applies only when no list is given, and an empty list turns the check off altogether."""

    def __init__(self, allowed: list[str]) -> None:
        self._allowed = {origin.rstrip("/") for origin in allowed}

    def __call__(self, origin: str | None, environ: dict[str, Any]) -> bool:
        if not origin:
            return True
        if "*" in self._allowed or origin.rstrip("/") in self._allowed:
            return True
        host = environ.get("HTTP_HOST")
        scheme = environ.get("wsgi.url_scheme", "http")
        return host is not None and origin in {f"{scheme}://{host}", f"{_secure(scheme)}://{host}"}


def _secure(scheme: str) -> str:
    """Behind a TLS proxy that sends no ``X-Forwarded-Proto`` the page is https all the same."""
    return "https" if scheme == "http" else scheme
