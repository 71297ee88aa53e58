"""Tracing costs nothing until an OTLP endpoint is named."""

from __future__ import annotations

from temporalio.contrib.opentelemetry import TracingInterceptor

from api.app import telemetry
from jobwire.observability.tracing import temporal_interceptors
from jobwire.settings import Settings


def test_nothing_is_traced_without_an_otlp_endpoint() -> None:
    settings = Settings(_env_file=None)
    assert telemetry(settings)["tracing"] is False
    assert temporal_interceptors(settings) == []


def test_an_otlp_endpoint_traces_requests_and_temporal_calls() -> None:
    settings = Settings(_env_file=None, otlp_endpoint="http://collector:4318/v1/traces")
    assert telemetry(settings)["tracing"] is True
    [interceptor] = temporal_interceptors(settings)
    assert isinstance(interceptor, TracingInterceptor)
