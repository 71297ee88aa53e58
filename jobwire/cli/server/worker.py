"""One worker process: JobWorkflow plus every registered phase activity, on one task queue."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta

import httpx
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.runtime.binding import bind_phases
from activities.runtime.context import PhaseResources
from activities.runtime.phase_activities import PhaseRuntime
from activities.runtime.publisher import RedisEventPublisher
from activities.runtime.user_slots import SlotActivities
from activities.webhooks.delivery import WebhookSender
from jobwire.cli.server.long_lived import freeze_startup_objects
from jobwire.connections.services import Services
from jobwire.contract.job_settings import validate_job_type_settings
from jobwire.contract.publishing import EventPublisher
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.jobs.worker_presence import keep_present
from jobwire.observability import worker_metrics
from jobwire.observability.worker_interceptor import MetricsInterceptor
from jobwire.settings import Settings
from workflows.job_workflow import JobWorkflow
from workflows.preferences import UserPreferencesWorkflow
from workflows.user_slots import UserSlotsWorkflow

log = logging.getLogger(__name__)

PASSTHROUGH_MODULES = (
    "jobwire",
    "workflows.presentation",
    "pydantic",
    "pydantic_core",
    "opentelemetry",
    "prometheus_client",
)
"""Modules the sandbox may share instead of re-importing per run; re-importing pydantic models
for every workflow run is slow and buys nothing. The metrics and tracing libraries are shared
so a workflow's spans and job ends land in the process's one tracer and registry."""


def workflow_runner() -> SandboxedWorkflowRunner:
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    return SandboxedWorkflowRunner(restrictions=restrictions)


def build_worker(
    client: Client,
    settings: Settings,
    resources: PhaseResources,
    publisher: EventPublisher,
    registry: JobTypeRegistry = job_types,
) -> Worker:
    """A worker for ``settings.task_queue``; the caller runs it (``async with`` or ``run()``)."""
    runtime = PhaseRuntime(resources, publisher, registry)
    throttle = timedelta(seconds=settings.heartbeat_throttle_seconds)
    with garbage_collection_paused():
        return _worker(client, settings, runtime, throttle)


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """While the Worker validates its workflows by loading their modules in the sandbox.

    On Python 3.10 and 3.11 a module's first load holds a lock that is not re-entrant; a
    garbage collection in that moment can finalize a coroutine that was never awaited, whose
    warning imports a module for the first time, and the load fails with ``KeyError: <thread
    id>`` ("Failed validating workflow", temporalio/sdk-python#585, CPython gh-91351). It
    stopped a test's worker once on a clean clone. Nothing collected here is urgent."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _worker(
    client: Client, settings: Settings, runtime: PhaseRuntime, throttle: timedelta
) -> Worker:
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[JobWorkflow, UserSlotsWorkflow, UserPreferencesWorkflow],
        activities=[
            *runtime.activities(),
            *WebhookSender(settings).activities(),
            *SlotActivities(client).activities(),
        ],
        workflow_runner=workflow_runner(),
        max_concurrent_activities=settings.worker_activity_slots,
        max_heartbeat_throttle_interval=throttle,
        default_heartbeat_throttle_interval=throttle,
        graceful_shutdown_timeout=timedelta(seconds=5),
        interceptors=[MetricsInterceptor()],
        # The SDK's default (10 s) held every job of a killed worker that long after its
        # activities had already moved on; a busy worker that misses this only costs a replay.
        sticky_queue_schedule_to_start_timeout=timedelta(
            seconds=settings.sticky_queue_timeout_seconds
        ),
    )


@asynccontextmanager
async def running_worker(
    settings: Settings,
    services: Services,
    publisher: EventPublisher,
    registry: JobTypeRegistry = job_types,
) -> AsyncIterator[Worker]:
    """A started worker with its shared HTTP client, stopped on exit."""
    async with httpx.AsyncClient(follow_redirects=True) as http:
        resources = PhaseResources(settings=settings, redis=services.redis, http=http)
        worker = build_worker(services.temporal, settings, resources, publisher, registry)
        async with worker:
            yield worker


def feed_publisher(services: Services) -> EventPublisher:
    """Events go to Redis streams, from where every API instance serves its clients."""
    return RedisEventPublisher(services.redis, services.settings)


def check_job_types(settings: Settings, registry: JobTypeRegistry = job_types) -> None:
    """Validates every job type's settings and binds every phase to its function before any
    server is reached, so a misconfigured worker stops at once, naming what is wrong."""
    definitions = registry.definitions()
    validate_job_type_settings(definitions, settings.job_types)
    bind_phases(definitions)


def export_metrics(settings: Settings) -> None:
    """Serves the worker's metrics where settings say: jobwire's own, and the Temporal SDK's
    (its runtime must be the process default before the first client connects)."""
    if settings.temporal_metrics_address is not None:
        config = PrometheusConfig(
            bind_address=settings.temporal_metrics_address,
            counters_total_suffix=True,
            durations_as_seconds=True,
        )
        Runtime.set_default(Runtime(telemetry=TelemetryConfig(metrics=config)))
    if settings.worker_metrics_address is not None:
        worker_metrics.serve(settings.worker_metrics_address)


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Runs until ``stop`` is set (or forever); what ``jobwire worker`` does."""
    check_job_types(settings)
    export_metrics(settings)
    services = await Services.connect(settings)
    try:
        async with running_worker(settings, services, feed_publisher(services)):
            log.info("worker polling task queue %s", settings.task_queue)
            freeze_startup_objects()
            presence = asyncio.create_task(announce_presence(settings, services))
            try:
                await (stop or asyncio.Event()).wait()
            finally:
                presence.cancel()
    finally:
        await services.aclose()


async def announce_presence(settings: Settings, services: Services) -> None:
    """Renews this worker's presence in Redis while it runs, under the identity its Temporal
    client polls with, so a dead worker is seen gone within seconds (``jobs.liveness``)."""
    await keep_present(
        services.redis,
        settings.task_queue,
        services.temporal.identity,
        settings.worker_presence_seconds,
    )
