"""``jobwire api``: one API process (REST, Socket.IO, web console) on the configured port."""

from __future__ import annotations

from jobwire.logs import configure_logging
from jobwire.observability import tracing
from jobwire.settings import Settings


def api() -> None:
    """Serve the API until SIGINT or SIGTERM; several of these can run behind a load balancer."""
    import uvicorn

    from api.app import asgi_app  # the server's imports, paid only by this command

    settings = Settings()
    configure_logging(settings)
    tracing.configure(settings, "jobwire-api")
    uvicorn.run(
        asgi_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=10,
    )
