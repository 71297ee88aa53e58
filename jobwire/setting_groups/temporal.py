"""Where Temporal is, how jobwire uses it, and how it tells a worker is alive."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr


class TemporalSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    temporal_address: str = Field(
        default="127.0.0.1:7233", description="Temporal frontend host:port."
    )
    temporal_namespace: str = Field(default="default", description="Namespace jobs run in.")
    temporal_tls: bool = Field(default=False, description="Use TLS (mTLS with cert and key).")
    temporal_tls_ca_path: Path | None = Field(default=None, description="CA bundle for TLS.")
    temporal_tls_cert_path: Path | None = Field(default=None, description="mTLS client cert.")
    temporal_tls_key_path: Path | None = Field(default=None, description="mTLS client key.")
    temporal_api_key: SecretStr | None = Field(
        default=None, description="Temporal Cloud API key (turns TLS on)."
    )
    temporal_ui_port: int = Field(default=8233, description="Port of the dev server's Web UI.")
    temporal_ui_url: str | None = Field(
        default=None, description="Public Temporal UI address; derived in development."
    )
    task_queue: str = Field(
        default="jobwire", description="Task queue of workflows and activities."
    )
    workflow_retention_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="How long Temporal keeps an ended job's history; `jobwire setup` sets it "
        "on the namespace.",
    )
    delete_cancel_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="How long a forced delete waits for a running job to end once cancelled "
        "before it terminates it.",
    )
    worker_answer_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="How long a pause, resume, cancel or preferences change waits for a worker "
        "to take it before answering 503 (with no worker polling, it would wait for ever).",
    )
    sticky_queue_timeout_seconds: float = Field(
        default=3.0,
        gt=0,
        description="How long a job's next workflow task waits for the worker that last ran it "
        "before any worker takes it (after a crash, the job stalls this long).",
    )
    worker_seen_within_seconds: float = Field(
        default=75.0,
        gt=0,
        description="A task queue counts as served while a worker polled it this recently (an "
        "idle worker renews its long poll about once a minute).",
    )
    stale_heartbeat_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A running job whose phase has not heartbeated this long is listed as "
        "stale (`GET /api/jobs/stale`, `jobwire stale`) unless the caller names its own.",
    )
    worker_liveness_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long an API replica reuses its last look at the task queue's pollers.",
    )
    worker_presence_seconds: float = Field(
        default=2.0, gt=0, description="How often each worker renews its presence in Redis."
    )
    worker_presence_ttl_seconds: float = Field(
        default=6.0, gt=0, description="A worker not renewed this long is gone (a few renewals)."
    )
    temporal_dev_timer_shift_seconds: float = Field(
        default=0.01,
        gt=0,
        description="The dev server's `history.timerProcessorMaxTimeShift`: its default, 1 s, "
        "held each phase retry after a crash up to 1 s (a cluster's operator sets it there).",
    )

    @cached_property
    def temporal_port(self) -> int:
        return int(self.temporal_address.rsplit(":", 1)[1])

    @cached_property
    def temporal_host(self) -> str:
        return self.temporal_address.rsplit(":", 1)[0]

    @property
    def temporal_ui_base(self) -> str:
        return self.temporal_ui_url or f"http://{self.temporal_host}:{self.temporal_ui_port}"
