"""The clients a process makes once at start-up and hands to the API, the bridge and the worker."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.settings import Settings
from jobwire.temporal_client import connect_temporal


@dataclass
class Services:
    settings: Settings
    temporal: Client
    redis: Redis

    @classmethod
    async def connect(
        cls, settings: Settings, *, temporal: Client | None = None, redis: Redis | None = None
    ) -> Services:
        if redis is None:
            if not settings.redis_url:
                raise RuntimeError("JOBWIRE_REDIS_URL (or REDIS_URL) is not set")
            redis = Redis.from_url(settings.redis_url, decode_responses=True)
        return cls(
            settings=settings,
            temporal=temporal or await connect_temporal(settings),
            redis=redis,
        )

    async def aclose(self) -> None:
        await self.redis.aclose()
