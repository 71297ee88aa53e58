"""OpenTelemetry traces across the hop chain: API request → workflow → activity → publish →
socket send. Temporal's interceptor carries the context to the activity; the publisher writes
it beside the event in the feed (W3C ``traceparent``), and the API instance that sends the
event to its clients continues the same trace from there.

Off unless ``Settings.otlp_endpoint`` names a collector. The SDK is configured once per process
by its command (``configure``); everything else reads the global tracer provider, so a test can
install its own (an in-memory exporter) and see the same spans an operator would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import propagate, trace
from temporalio.client import Interceptor as ClientInterceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from jobwire.settings import Settings

TRACER = "jobwire"


def enabled(settings: Settings) -> bool:
    return settings.otlp_endpoint is not None


def configure(settings: Settings, service_name: str) -> None:
    """Exports this process's spans to the OTLP collector, in batches off the request path."""
    if settings.otlp_endpoint is None:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(settings.otlp_endpoint)))
    trace.set_tracer_provider(provider)


def temporal_interceptors(settings: Settings) -> list[ClientInterceptor]:
    """Temporal's tracing interceptor: it carries the span context from the client through
    the workflow to each activity in Temporal's headers (a worker takes it from its client)."""
    return [TracingInterceptor()] if enabled(settings) else []


@contextmanager
def span(name: str, **attributes: str | int) -> Iterator[None]:
    """A span of our own under whatever span is current; a no-op while tracing is off."""
    with trace.get_tracer(TRACER).start_as_current_span(name, attributes=attributes):
        yield


def current_traceparent() -> str | None:
    """The current span's W3C ``traceparent``; None while nothing is traced."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


@contextmanager
def span_continuing(name: str, traceparent: str | None, **attributes: str | int) -> Iterator[None]:
    """A span in the trace ``traceparent`` names (one another process started), or a span of
    its own when there is none."""
    context = propagate.extract({"traceparent": traceparent}) if traceparent else None
    tracer = trace.get_tracer(TRACER)
    with tracer.start_as_current_span(name, context=context, attributes=attributes):
        yield
