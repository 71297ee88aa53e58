"""An in-process worker running the counting job type, and a JobService aimed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client

from activities.runtime.context import PhaseResources
from bench.support.counting import counting_registry
from jobwire.cli.server.worker import build_worker
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.publishing import MemoryPublisher
from jobwire.contract.registry import JobTypeRegistry
from jobwire.jobs.service import JobService
from jobwire.settings import Settings


@dataclass
class Engine:
    jobs: JobService
    events: MemoryPublisher
    redis: Redis
    settings: Settings
    temporal: Client

    def events_of(self, job_id: str) -> list[JobEvent]:
        return [event for event in self.events.events if event.job_id == job_id]

    def types_of(self, job_id: str) -> list[EventType]:
        return [event.type for event in self.events_of(job_id)]


@asynccontextmanager
async def running_engine(
    settings: Settings, temporal_client: Client, redis: Redis, registry: JobTypeRegistry
) -> AsyncIterator[Engine]:
    """A worker for ``registry``'s job types, running until the block ends."""
    publisher = MemoryPublisher()
    async with httpx.AsyncClient() as http:
        resources = PhaseResources(settings=settings, redis=redis, http=http)
        worker = build_worker(temporal_client, settings, resources, publisher, registry)
        async with worker:
            yield Engine(
                jobs=JobService(temporal_client, settings, registry),
                events=publisher,
                redis=redis,
                settings=settings,
                temporal=temporal_client,
            )


@pytest_asyncio.fixture
async def engine(
    settings: Settings, temporal_client: Client, redis: Redis
) -> AsyncIterator[Engine]:
    async with running_engine(settings, temporal_client, redis, counting_registry()) as running:
        yield running
