"""One trace follows a job from the API request through Temporal to its activities, the live
feed and the socket that sends its events: the real dev server, a real worker, the API on a
real port with a real Socket.IO client, spans kept in memory."""

from __future__ import annotations

from collections import defaultdict

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry
from jobwire.contract.states import JobState
from jobwire.observability.tracing import temporal_interceptors
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.api_stack import api_stack
from tests.support.feed_client import FeedClient


@pytest.fixture(scope="module")
def exported() -> InMemorySpanExporter:
    """The process's tracer provider, as ``jobwire api`` and ``jobwire worker`` install one;
    here it keeps spans in memory (a provider is set once per process)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


async def test_one_trace_spans_request_workflow_activity_and_publish(
    exported: InMemorySpanExporter, settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    traced = settings.model_copy(update={"otlp_endpoint": "http://127.0.0.1:4318/v1/traces"})
    config = temporal_client.config()
    config["interceptors"] = temporal_interceptors(traced)
    client = Client(**config)
    async with api_stack(traced, client, redis, counting_registry()) as api, api.client() as http:
        feed = await FeedClient(api.base_url, api.token("alice")).connect()
        job = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()
        assert (await http.get("/metrics")).status_code == 200
        assert (await http.get("/healthz")).status_code == 200
        await api.wait_for_state(http, job["job_id"], JobState.COMPLETED)

        async def one_trace() -> list[ReadableSpan]:
            by_trace: dict[int, list[ReadableSpan]] = defaultdict(list)
            for span in exported.get_finished_spans():
                assert span.context is not None
                by_trace[span.context.trace_id].append(span)
            request = [
                spans
                for spans in by_trace.values()
                if any(s.name == "POST /api/jobs" for s in spans)
                and any(s.attributes and s.attributes.get("job_id") == job["job_id"] for s in spans)
            ]
            assert len(request) == 1, sorted({s.name for s in exported.get_finished_spans()})
            names = {s.name for s in request[0]}
            assert "StartWorkflow:JobWorkflow" in names, names
            assert "RunWorkflow:JobWorkflow" in names, names
            assert {"RunActivity:count.count", "RunActivity:count.summarize"} <= names, names
            assert "jobwire.publish" in names, names
            assert "jobwire.socket_send" in names, names
            return request[0]

        spans = await assert_eventually(one_trace, timeout=30)
        await feed.sio.disconnect()
    every = {s.name for s in exported.get_finished_spans()}
    assert not {"GET /metrics", "GET /healthz"} & every, "probes and scrapes stay untraced"
    published = [
        s.attributes.get("event") for s in spans if s.name == "jobwire.publish" and s.attributes
    ]
    assert {"job.created", "job.started", "job.completed"} <= set(published)
