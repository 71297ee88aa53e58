"""What an API process connects when it starts and closes when it stops.

Everything a request needs is made here from settings and hung off ``app.state``, so two
replicas share nothing but Temporal and Redis, and tests can hand in their own clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.rate_limit import SubmissionLimiter
from jobwire.connections.services import Services
from jobwire.jobs.liveness import TaskQueueLiveness
from jobwire.jobs.service import JobService
from jobwire.projection.events import events_published
from jobwire.schedules.service import ScheduleService
from realtime.hub import Hub
from realtime.server import live_feed


@asynccontextmanager
async def lifespan(app: FastAPI, *, services: Services | None = None) -> AsyncIterator[None]:
    """Connects ``services`` unless handed in (then the caller closes them), and runs the
    live feed's bridge for as long as the app serves."""
    owned = services is None
    connected = services or await Services.connect(app.state.settings)
    bridge = bind_state(app, connected)
    await bridge.start()
    try:
        yield
    finally:
        await bridge.stop()
        if owned:
            await connected.aclose()


def bind_state(app: FastAPI, services: Services) -> Hub:
    """The job service, rate limiter, metric sources and bridge on ``app.state``; the bridge
    is returned unstarted."""
    settings = app.state.settings
    jobs = JobService(services.temporal, settings, app.state.registry, services.redis)
    app.state.services = services
    app.state.jobs = jobs
    app.state.schedules = ScheduleService(services.temporal, settings, app.state.registry)
    app.state.preferences = jobs.preferences
    app.state.liveness = TaskQueueLiveness(services.temporal, settings, services.redis)
    app.state.limiter = SubmissionLimiter(settings, services.redis)
    app.state.action_limiter = SubmissionLimiter(
        settings,
        services.redis,
        per_minute=settings.bulk_actions_per_minute_per_user,
        scope="actions",
        what="bulk actions and default-webhook changes",
    )
    metrics = app.state.metrics
    bridge = live_feed(app.state.sio, settings, jobs, services.redis, on_relay=metrics.relayed)
    metrics.bind_sources(
        jobs.counts_by_type_and_state,
        lambda: events_published(services.redis),
        socket_clients=lambda: len(bridge.connections),
    )
    app.state.bridge = bridge
    return bridge
