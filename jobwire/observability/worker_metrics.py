"""Prometheus metrics of one worker process, in their own registry.

They are recorded where the worker sees each moment: a phase attempt as its activity starts and
ends, a job's end as the workflow publishes it, an event as Redis numbers it. The registry is
served by ``serve`` on the worker's metrics address; the API's ``/metrics`` shows its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from temporalio.service import RPCError

DURATION_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600)
WAIT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class WorkerMetrics:
    """Every metric a worker exports; one instance per process (see ``worker_metrics``)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.job_duration = Histogram(
            "jobwire_job_duration_seconds",
            "From a job's creation to its end, by type and outcome.",
            ["type", "outcome"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.job_ends = Counter(
            "jobwire_job_ends",
            "Jobs that ended, by type, outcome (completed, failed, cancelled) and, for a "
            "failure, its error type.",
            ["type", "outcome", "error_type"],
            registry=self.registry,
        )
        self.queue_wait = Histogram(
            "jobwire_queue_wait_seconds",
            "How long a phase attempt waited in the task queue for a worker, by job type.",
            ["type"],
            buckets=WAIT_BUCKETS,
            registry=self.registry,
        )
        self.phase_attempts = Counter(
            "jobwire_phase_attempts",
            "Phase attempts started, by job type, phase and whether it was a retry.",
            ["type", "phase", "retry"],
            registry=self.registry,
        )
        self.phase_failures = Counter(
            "jobwire_phase_failures",
            "Phase attempts that raised, by job type, phase and error type.",
            ["type", "phase", "error_type"],
            registry=self.registry,
        )
        self.events_published = Counter(
            "jobwire_worker_events_published",
            "Events this worker appended to the live feed, by event type.",
            ["event"],
            registry=self.registry,
        )
        self.redis_errors = Counter(
            "jobwire_worker_redis_errors",
            "Redis calls of this worker that failed, by operation.",
            ["operation"],
            registry=self.registry,
        )
        self.temporal_errors = Counter(
            "jobwire_worker_temporal_errors",
            "Temporal errors this worker saw: failed activity attempts (kind `activity`, by"
            " activity type and error type) and failed calls it made to Temporal (kind `rpc`,"
            " by operation and status code).",
            ["kind", "operation", "reason"],
            registry=self.registry,
        )


worker_metrics = WorkerMetrics()
"""The process's worker metrics: a worker records into them wherever it runs (tests too)."""


@contextmanager
def counting_rpc_errors(operation: str, metrics: WorkerMetrics | None = None) -> Iterator[None]:
    """Counts a Temporal call of the worker's that fails (``operation`` names it), then lets
    the error go on: counting never changes what the caller does about it."""
    try:
        yield
    except RPCError as exc:
        (metrics or worker_metrics).temporal_errors.labels(
            kind="rpc", operation=operation, reason=exc.status.name
        ).inc()
        raise


def serve(address: str, metrics: WorkerMetrics = worker_metrics) -> WSGIServer:
    """Serves the registry at ``http://<address>/metrics`` from a daemon thread; the caller
    may ``shutdown()`` the returned server (the worker command never does)."""
    host, _, port = address.rpartition(":")
    server, _thread = start_http_server(
        int(port),
        addr=host or "0.0.0.0",
        registry=metrics.registry,
    )
    return server
