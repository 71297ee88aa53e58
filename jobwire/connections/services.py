"""The clients a process makes once at start-up and hands to the API, the bridge and the worker."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.connections.redis_client import connect_redis
from jobwire.connections.temporal_client import connect_temporal
from jobwire.settings import Settings


@dataclass
class Services:
    settings: Settings
    temporal: Client
    redis: Redis

    @classmethod
    async def connect(
        cls, settings: Settings, *, temporal: Client | None = None, redis: Redis | None = None
    ) -> Services:
        return cls(
            settings=settings,
            temporal=temporal or await connect_temporal(settings),
            redis=redis or connect_redis(settings),
        )

    async def aclose(self) -> None:
        await self.redis.aclose()
