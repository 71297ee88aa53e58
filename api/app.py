"""Builds the one ASGI app a `jobwire api` process serves: REST, Socket.IO and the console.

``create_app`` only assembles named parts: the app's state, its problem handlers, its routers,
the console and its middleware; what connects at start-up is in ``api.lifespan``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import socketio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig

from api.allowed_methods import AllowedMethods
from api.body_limit import BodySizeLimit
from api.console import mount_console
from api.error_handlers import Problem, install_problem_handlers
from api.lifespan import lifespan
from api.metrics import ApiMetrics, RequestTimer
from api.openapi import install_exact_openapi
from api.routes import (
    health,
    job_actions,
    job_control,
    job_delete,
    job_events,
    job_fork,
    jobs,
    meta,
    schedules,
    webhook_default,
    webhook_secret,
)
from api.routes.docs import install_docs
from api.routes.job_submit import submit_router
from api.routes.schedules import schedules_router
from api.security_headers import SecurityHeaders
from api.strict_json import refuse_non_finite_json
from jobwire import __version__
from jobwire.connections.services import Services
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.observability import tracing
from jobwire.settings import Settings
from realtime.server import create_server

DESCRIPTION = """Submit, list, inspect and control durable jobs that run as Temporal workflows.

Every call needs `Authorization: Bearer <JWT>` (`jobwire token --sub USER` makes one for
development). Errors are RFC 9457 problem details. Live events stream over Socket.IO at
`/socket.io`, namespace `/jobs` (see docs/protocol.md).
"""


def create_app(
    settings: Settings,
    *,
    services: Services | None = None,
    registry: JobTypeRegistry | None = None,
) -> FastAPI:
    """The FastAPI app; ``services`` are connected in the lifespan when not handed in."""
    registry = registry or job_types
    registry.load(settings.job_type_modules)
    app = FastAPI(
        title="jobwire",
        version=__version__,
        description=DESCRIPTION,
        lifespan=partial(lifespan, services=services),
        telemetry=telemetry(settings),
        docs_url=None,  # served by api.routes.docs, with a policy for what each page loads
        redoc_url=None,
        responses={500: {"model": Problem, "description": "Internal Server Error"}},
    )
    app.state.settings = settings
    app.state.registry = registry
    app.state.metrics = ApiMetrics()
    app.state.sio = create_server(settings)

    install_problem_handlers(app)
    install_exact_openapi(app, registry)
    refuse_non_finite_json(app)
    include_routers(app, registry)
    mount_console(app)
    add_middleware(app, settings)
    return app


UNTRACED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
"""Probes and scrapes: they would drown the traces."""


def telemetry(settings: Settings) -> TelemetryConfig:
    """FastAPI's own OpenTelemetry: a server span per request, the root of the trace that
    Temporal's interceptor carries on into the workflow; nothing at all while tracing is off.
    Metrics stay with Prometheus (``api.metrics``) and logs with ``jobwire.logs``."""
    return {
        "tracing": tracing.enabled(settings),
        "metrics": False,
        "logs": False,
        "operation_spans": False,
        "exclude": lambda scope: scope.get("path") in UNTRACED_PATHS,
    }


def include_routers(app: FastAPI, registry: JobTypeRegistry) -> None:
    """Every REST route; submitting first, as its body type comes from ``registry``."""
    app.include_router(submit_router(registry))
    app.include_router(jobs.router)
    app.include_router(job_actions.router)
    app.include_router(job_control.router)
    app.include_router(job_control.restart_route(registry))
    app.include_router(job_delete.router)
    app.include_router(job_fork.router)
    app.include_router(job_events.router)
    app.include_router(schedules_router(registry))
    app.include_router(schedules.router)
    app.include_router(meta.router)
    app.include_router(webhook_secret.router)
    app.include_router(webhook_default.router)
    app.include_router(health.router)
    install_docs(app)


def add_middleware(app: FastAPI, settings: Settings) -> None:
    """Added innermost first: security headers wrap everything (a 413 carries them too), then
    the body limit, then CORS (which answers preflights), then the timer, then ``Allow``."""
    app.add_middleware(AllowedMethods, routes=app.router.routes)
    app.add_middleware(RequestTimer, metrics=app.state.metrics)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        expose_headers=["Location", "Retry-After", "Idempotent-Replayed"],
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)


def asgi_app(settings: Settings, **kwargs: Any) -> socketio.ASGIApp:
    """What uvicorn serves: Socket.IO at /socket.io, everything else to FastAPI (which also
    runs the lifespan that starts the live feed)."""
    app = create_app(settings, **kwargs)
    return socketio.ASGIApp(app.state.sio, other_asgi_app=app, socketio_path="socket.io")
