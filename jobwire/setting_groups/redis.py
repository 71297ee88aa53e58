"""The Redis that carries the live feed and the jobs' read model."""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, Field


class RedisSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

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
        default=100_000, ge=1000, description="Events of all jobs kept in the feed APIs follow."
    )
