"""Builds the one ASGI app a `jobwire api` process serves: REST, Socket.IO and the console.

Everything a request needs hangs off ``app.state`` and is made in the lifespan from settings,
so two replicas share nothing but Temporal and Redis, and tests can hand in their own clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import socketio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.body_limit import BodySizeLimit
from api.console import mount_console
from api.error_handlers import Problem, install_problem_handlers
from api.metrics import ApiMetrics, RequestTimer
from api.rate_limit import SubmissionLimiter
from api.routes import health, meta
from api.routes.jobs import jobs_router
from jobwire import __version__
from jobwire.connections.services import Services
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from realtime.replay import events_published
from realtime.server import create_server, live_feed

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

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        connected = services or await Services.connect(settings)
        jobs = JobService(connected.temporal, settings, registry)
        app.state.services = connected
        app.state.jobs = jobs
        app.state.limiter = SubmissionLimiter(settings, connected.redis)
        app.state.metrics.bind_sources(
            jobs.counts_by_type_and_state, lambda: events_published(connected.redis)
        )
        bridge = live_feed(
            app.state.sio,
            settings,
            jobs,
            connected.redis,
            on_relay=app.state.metrics.events_relayed.inc,
        )
        app.state.bridge = bridge
        await bridge.start()
        try:
            yield
        finally:
            await bridge.stop()
            if owned:
                await connected.aclose()

    app = FastAPI(
        title="jobwire",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses={500: {"model": Problem, "description": "Internal Server Error"}},
    )
    app.state.settings = settings
    app.state.registry = registry
    app.state.metrics = ApiMetrics()
    app.state.sio = create_server(settings)

    install_problem_handlers(app)
    app.include_router(jobs_router(registry))
    app.include_router(meta.router)
    app.include_router(health.router)
    mount_console(app)

    app.add_middleware(RequestTimer, metrics=app.state.metrics)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        expose_headers=["Location", "Retry-After", "Idempotent-Replayed"],
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


def asgi_app(settings: Settings, **kwargs: Any) -> socketio.ASGIApp:
    """What uvicorn serves: Socket.IO at /socket.io, everything else to FastAPI (which also
    runs the lifespan that starts the live feed)."""
    app = create_app(settings, **kwargs)
    return socketio.ASGIApp(app.state.sio, other_asgi_app=app, socketio_path="socket.io")
