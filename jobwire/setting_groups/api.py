"""The API, the console and the live feed: where they listen and what one client may cost."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class ApiSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

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
    bulk_action_max_jobs: int = Field(
        default=100,
        ge=1,
        le=1000,
        description="The most jobs one bulk action (`POST /api/jobs/actions`) acts on.",
    )
    bulk_actions_per_minute_per_user: int = Field(
        default=30,
        ge=1,
        description="Bulk action requests and default-webhook changes per user per minute.",
    )

    @property
    def api_base_url(self) -> str:
        return self.public_url or f"http://{self.api_host}:{self.api_port}"
