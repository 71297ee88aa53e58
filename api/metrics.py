"""Prometheus metrics of one API replica, in its own registry (no process-global state).

Counters that only this replica sees (submissions, request latency, events it relayed) are
its own; job totals by type and state come from Temporal's visibility at scrape time, cached
briefly, so every replica reports the same truth and a scrape never hammers Temporal.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobwire.contract.events import JobEvent

JobCounts = Callable[[], Awaitable[dict[tuple[str, str], int]]]
"""``{(type, state): count}`` over all users, from Temporal."""
EventsPublished = Callable[[], Awaitable[int]]
LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class ApiMetrics:
    def __init__(self, *, cache_seconds: float = 15.0) -> None:
        self.registry = CollectorRegistry()
        self.submitted = Counter(
            "jobwire_jobs_submitted",
            "Jobs submitted through this API replica.",
            ["type"],
            registry=self.registry,
        )
        self.jobs = Gauge(
            "jobwire_jobs",
            "Jobs known to Temporal by type and state; the terminal states count finished "
            "jobs by outcome.",
            ["type", "state"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "jobwire_http_request_duration_seconds",
            "API request latency by route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.events_relayed = Counter(
            "jobwire_events_relayed",
            "Live events this replica read from Redis and emitted to its Socket.IO clients.",
            registry=self.registry,
        )
        self.events_published = Gauge(
            "jobwire_events_published",
            "Events every worker appended to the live feed: a running total kept in Redis, "
            "so each replica reports the same figure.",
            registry=self.registry,
        )
        self.socket_clients = Gauge(
            "jobwire_socket_clients",
            "Socket.IO clients connected to this replica's live feed.",
            registry=self.registry,
        )
        self.feed_lag = Histogram(
            "jobwire_feed_lag_seconds",
            "From an event's `ts` to its hand-off to its clients' sockets here, once per hand-off.",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.redis_errors = Counter(
            "jobwire_redis_errors",
            "Redis calls of this replica that failed, by operation (a route, or a metric read).",
            ["operation"],
            registry=self.registry,
        )
        self.temporal_errors = Counter(
            "jobwire_temporal_errors",
            "Temporal calls of this replica that failed, by operation (a route, or a metric read).",
            ["operation"],
            registry=self.registry,
        )
        self._job_counts: JobCounts | None = None
        self._events_published: EventsPublished | None = None
        self._cache_seconds = cache_seconds
        self._refreshed_at = -float("inf")
        self._lock = asyncio.Lock()

    def bind_sources(
        self,
        job_counts: JobCounts,
        events_published: EventsPublished,
        socket_clients: Callable[[], int] = lambda: 0,
    ) -> None:
        """Set once Temporal and Redis are connected, in the app's lifespan."""
        self._job_counts = job_counts
        self._events_published = events_published
        self.socket_clients.set_function(socket_clients)

    def relayed(self, event: JobEvent, clients: int) -> None:
        """One event handed to the sockets of ``clients`` clients at once (a room's broadcast,
        or one client's catch-up): each is a delivery, and the hand-off has one lag."""
        self.events_relayed.inc(clients)
        self.feed_lag.observe(max((datetime.now(UTC) - event.ts).total_seconds(), 0.0))

    async def refresh_job_counts(self) -> None:
        async with self._lock:
            stale = time.monotonic() - self._refreshed_at >= self._cache_seconds
            if self._job_counts is None or not stale:
                return
            try:
                counts = await self._job_counts()
            except Exception:
                self.temporal_errors.labels(operation="metrics.job_counts").inc()
                raise
            for (job_type, state), value in counts.items():
                self.jobs.labels(type=job_type, state=state).set(value)
            self._refreshed_at = time.monotonic()

    async def exposition(self) -> Response:
        await self.refresh_job_counts()
        if self._events_published is not None:
            try:
                self.events_published.set(await self._events_published())
            except Exception:  # Redis down: the last figure stands
                self.redis_errors.labels(operation="metrics.events_published").inc()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class RequestTimer:
    """Times each request under its route template, so ``/api/jobs/{job_id}`` is one series.

    A plain ASGI middleware: Starlette's BaseHTTPMiddleware would re-wrap the request body
    stream and hide the body limit's 413 behind a generic 400."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.request_seconds.labels(
                method=scope["method"], route=str(route), status=str(status)
            ).observe(time.perf_counter() - started)
