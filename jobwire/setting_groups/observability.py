"""Where metrics are served and traces sent; all off unless named."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator


class ObservabilitySettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    worker_metrics_address: str | None = Field(
        default=None,
        description="`host:port` where `jobwire worker` serves its own Prometheus metrics"
        " (phase attempts, queue waits, job ends and durations, events published); off when"
        " unset.",
    )
    temporal_metrics_address: str | None = Field(
        default=None,
        description="`host:port` where `jobwire worker` serves the Temporal SDK's Prometheus"
        " metrics (task slots, poll and schedule-to-start latencies); off when unset.",
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces endpoint (`http://collector:4318/v1/traces`): turns"
        " tracing on for the API and the worker; off when unset.",
    )

    @field_validator("otlp_endpoint", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """Compose passes an unset variable as ``""``: that leaves tracing off too."""
        return None if value == "" else value
