"""``jobwire api``: one API process (REST, Socket.IO, web console) on the configured port."""

from __future__ import annotations

from typing import Any

from jobwire.cli.server.long_lived import freeze_startup_objects
from jobwire.logs import configure_logging
from jobwire.observability import tracing
from jobwire.settings import Settings

SOCKET_OPTIONS: dict[str, Any] = {"ws": "wsproto", "ws_ping_interval": None}
"""uvicorn's WebSocket protocol, for ``jobwire api`` and the tests' servers alike. An idle
Socket.IO client costs the bare server 27 KiB with wsproto against 39 KiB with uvicorn's
default (websockets' legacy protocol, three tasks per connection) and 31 KiB with websockets'
sans-I/O one (1000 idle clients of ``bench.feed``). Engine.IO pings each client itself, so
uvicorn's own WebSocket pings are left off."""


def api() -> None:
    """Serve the API until SIGINT or SIGTERM; several of these can run behind a load balancer."""
    import uvicorn

    from api.app import asgi_app  # the server's imports, paid only by this command

    settings = Settings()
    configure_logging(settings)
    tracing.configure(settings, "jobwire-api")
    app = asgi_app(settings)
    freeze_startup_objects()
    uvicorn.run(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=10,
        **SOCKET_OPTIONS,
    )
