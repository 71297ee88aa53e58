"""The one place jobwire reads its configuration from.

Every component receives a ``Settings`` instance at start-up instead of reading the environment
itself, so a test or a second replica can run with other values in the same process.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jobwire.contract.phases import ActivityPolicy

DEVELOPMENT_JWT_SECRET = "jobwire-development-secret-do-not-use-in-production"
"""Signs tokens when no secret is configured; refused outside development."""


MIN_SECRET_LENGTH = 32
"""HS256 needs a key at least as long as its hash (RFC 7518, 3.2)."""


def _refuse_beyond_loopback(host: str) -> None:
    """The development secret is public (it is in this file): tokens it signs may only be
    accepted by an API that no one else can reach."""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(
        f"the API listens on {host}, beyond loopback: set JOBWIRE_JWT_SECRET (the development"
        " secret signs tokens anyone can forge)"
    )


class Settings(BaseSettings):
    """jobwire's configuration: ``JOBWIRE_*`` variables, then ``.env``, then defaults."""

    model_config = SettingsConfigDict(
        env_prefix="JOBWIRE_",
        env_file=".env",
        env_file_encoding="utf-8",
        # Only `job_types` is a nested field: JOBWIRE_JOB_TYPES__<TYPE>__<FIELD>.
        env_nested_delimiter="__",
        extra="ignore",
        populate_by_name=True,
        # A refused value is named, never echoed: it may be a secret or a key.
        hide_input_in_errors=True,
    )

    environment: Literal["development", "test", "production"] = Field(
        default="development", description="Outside development, real secrets are required."
    )
    data_dir: Path = Field(default=Path(".jobwire"), description="Dev server state, Redis data.")
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_format: Literal["console", "json"] = Field(
        default="console", description="`json`: one object per line, for log shippers."
    )

    # Temporal
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

    # Redis
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("JOBWIRE_REDIS_URL", "REDIS_URL", "redis_url"),
        description="An existing Redis; when unset `jobwire dev` starts one.",
    )
    redis_cluster: bool = Field(default=False, description="The Redis URL names a Cluster node.")
    redis_port: int = Field(
        default=6379, description="Port of the Redis that `jobwire dev` starts."
    )
    redis_timeout_seconds: float = Field(
        default=2.0, gt=0, description="Socket timeout of Redis calls; a dead Redis fails fast."
    )
    redis_max_connections: int = Field(
        default=50,
        ge=1,
        description="Redis connections per process; callers beyond it wait instead of failing.",
    )
    event_stream_maxlen: int = Field(
        default=2000, ge=1000, description="Events kept per job stream for replay."
    )
    event_stream_ttl_seconds: int = Field(
        default=7 * 24 * 3600, ge=60, description="Idle job streams expire after this."
    )
    feed_stream_maxlen: int = Field(
        default=100_000,
        ge=1000,
        description="Events of all jobs kept in the feed the API instances follow.",
    )

    # API and live feed
    api_host: str = Field(default="127.0.0.1", description="Interface the API listens on.")
    api_port: int = Field(default=8000, description="Port of the API, console and Socket.IO.")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies whose X-Forwarded-* headers the API trusts (comma-separated).",
    )
    public_url: str | None = Field(default=None, description="How clients reach the API.")
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed besides the API's own, for REST and Socket.IO "
        "(JSON list).",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest request body accepted."
    )
    jobs_per_minute_per_user: int = Field(default=120, ge=1, description="Job creation rate limit.")
    projection_fresh_seconds: float = Field(
        default=10.0, gt=0, description="Reads of a silent running job ask Temporal after this."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="When set, `/metrics` answers only `Authorization: Bearer <this token>`;"
        " open when unset.",
    )
    socket_buffer_events: int = Field(
        default=1000, ge=10, description="Per-client backlog before it is told to resync."
    )
    socket_max_lag_events: int = Field(
        default=5000,
        ge=10,
        description="Events a client may fall behind by (queued, unsent or dropped since it "
        "was told to resync) before it is disconnected.",
    )
    socket_messages_per_second: int = Field(
        default=20,
        ge=1,
        description="Messages one socket may send per second; each one over it is refused, "
        "and a client that sends another second's worth regardless is disconnected.",
    )
    fallback_poll_seconds: float = Field(
        default=1.0, gt=0, description="Temporal polling period while Redis is down."
    )

    # Metrics and traces
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

    # Auth
    jwt_algorithm: Literal["HS256", "RS256"] = Field(
        default="HS256", description="The only algorithm tokens may use."
    )
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 secret (32+ characters outside development)."
    )
    jwt_public_key: str | None = Field(default=None, description="RS256 public key (PEM).")
    jwt_private_key: SecretStr | None = Field(
        default=None, description="RS256 only: lets `jobwire token` sign tokens."
    )
    cursor_secret: SecretStr | None = Field(
        default=None,
        description="Signs list cursors; the HS256 secret (or RS256 private key) when unset."
        " Set it with RS256 and several replicas, so every replica accepts every cursor.",
    )
    jwt_issuer: str | None = Field(default=None, description="Required `iss`, when set.")
    jwt_audience: str | None = Field(default=None, description="Required `aud`, when set.")
    jwt_default_ttl_seconds: int = Field(
        default=12 * 3600, ge=1, description="Lifetime of tokens from `jobwire token`."
    )

    # Activities
    heartbeat_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A silent activity is retried after this."
    )
    heartbeat_throttle_seconds: float = Field(
        default=1.0, ge=0, description="Least time between two checkpoints sent."
    )
    progress_event_seconds: float = Field(
        default=0.25, ge=0, description="Least time between two live progress events of a phase."
    )
    progress_report_seconds: float = Field(
        default=10.0,
        ge=0,
        description="Least time between two progress reports to the workflow (query, search"
        " attribute, Temporal UI; reads come from Redis).",
    )
    history_event_limit: int = Field(
        default=10_000, ge=100, description="A job continues as new past this history length."
    )
    activity_start_to_close_seconds: float = Field(
        default=6 * 3600.0, gt=0, description="Longest one phase attempt may run."
    )
    retry_initial_interval_seconds: float = Field(
        default=0.2,
        gt=0,
        description="First retry delay of a failed phase (after a worker crash, the job waits "
        "the heartbeat timeout plus this).",
    )
    retry_backoff_coefficient: float = Field(
        default=4.0,
        ge=1,
        description="Growth of the retry delay (with the short first delay, keeps a transient "
        "outage about 17 s of retries before a phase fails).",
    )
    retry_maximum_interval_seconds: float = Field(
        default=30.0, gt=0, description="Longest retry delay."
    )
    retry_maximum_attempts: int = Field(
        default=5,
        ge=0,
        description="Attempts of one phase (the first included) before its job fails with its"
        " checkpoint kept, ready to resume. 0 retries without end: an explicit opt-in, since a"
        " failure that recurs then never ends the job.",
    )
    job_type_modules: list[str] = Field(
        default_factory=list,
        description="Extra modules whose `JOB_TYPE` is a job type's contract (besides installed"
        " plugins).",
    )
    files_root: Path | None = Field(
        default=None, description="Jobs may read local files only below this folder."
    )
    allow_private_sources: bool = Field(
        default=False,
        description="Let research sources and analysis datasets come from loopback, private or"
        " link-local addresses. Off, a job's URL cannot reach the worker's own network.",
    )
    job_types: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Each job type's own settings, by type and field:"
        " `JOBWIRE_JOB_TYPES__RESEARCH__MAX_SOURCES=8` (see the job types' settings below).",
    )

    @model_validator(mode="after")
    def _refuse_development_secrets_elsewhere(self) -> Settings:
        if self.environment == "development":
            if self.jwt_algorithm == "HS256" and self.jwt_signing_secret == DEVELOPMENT_JWT_SECRET:
                _refuse_beyond_loopback(self.api_host)
            return self
        if self.jwt_algorithm == "HS256":
            secret = self.jwt_secret.get_secret_value() if self.jwt_secret else None
            if not secret or secret == DEVELOPMENT_JWT_SECRET or len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    "JOBWIRE_JWT_SECRET must be set to a real secret of at least 32 characters"
                    " outside development"
                )
        elif not self.jwt_public_key:
            raise ValueError("JOBWIRE_JWT_PUBLIC_KEY is required with RS256")
        return self

    @property
    def jwt_signing_secret(self) -> str:
        """The HS256 secret, falling back to the development one in development only."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return DEVELOPMENT_JWT_SECRET

    @cached_property
    def temporal_port(self) -> int:
        return int(self.temporal_address.rsplit(":", 1)[1])

    @cached_property
    def temporal_host(self) -> str:
        return self.temporal_address.rsplit(":", 1)[0]

    @property
    def temporal_ui_base(self) -> str:
        return self.temporal_ui_url or f"http://{self.temporal_host}:{self.temporal_ui_port}"

    @property
    def api_base_url(self) -> str:
        return self.public_url or f"http://{self.api_host}:{self.api_port}"

    @property
    def heartbeat_timeout(self) -> timedelta:
        return timedelta(seconds=self.heartbeat_timeout_seconds)

    def activity_policy(self) -> ActivityPolicy:
        """The retry and timeout policy a job starts with; it stays with the job for its life."""
        return ActivityPolicy(
            heartbeat_timeout_seconds=self.heartbeat_timeout_seconds,
            start_to_close_seconds=self.activity_start_to_close_seconds,
            retry_initial_interval_seconds=self.retry_initial_interval_seconds,
            retry_backoff_coefficient=self.retry_backoff_coefficient,
            retry_maximum_interval_seconds=self.retry_maximum_interval_seconds,
            retry_maximum_attempts=self.retry_maximum_attempts,
            history_event_limit=self.history_event_limit,
        )
