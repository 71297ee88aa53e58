"""The API (REST and Socket.IO) served on a real port over the session's Temporal and Redis,
with a worker running the counting job type in-process and publishing its events to Redis
(or, with ``api_serving``, a worker started when a test says)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import asgi_app
from bench.support.counting import counting_registry
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.server.api_command import SOCKET_OPTIONS
from jobwire.cli.server.worker import feed_publisher, running_worker
from jobwire.connections.services import Services
from jobwire.contract.records import JobRecord
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.serving import serving


@dataclass
class Api:
    base_url: str
    settings: Settings
    redis: Redis
    temporal: Client
    jobs: JobService
    services: Services
    registry: JobTypeRegistry
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def worker(self) -> AbstractAsyncContextManager[Worker]:
        """A worker for this API's job types, publishing to its Redis, while in the block."""
        return running_worker(
            self.settings, self.services, feed_publisher(self.services), self.registry
        )

    def user(self, name: str) -> str:
        """Users are per test: Temporal outlives the test, and so do other tests' jobs."""
        return f"{name}-{self.run}"

    def token(self, user: str) -> str:
        return issue_token(self.settings, self.user(user))

    def client(self, user: str | None = "alice") -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30)

    async def wait_for_state(
        self, http: httpx.AsyncClient, job_id: str, *states: JobState, timeout: float = 60
    ) -> JobRecord:
        async def reached() -> JobRecord | None:
            response = await http.get(f"/api/jobs/{job_id}")
            assert response.status_code == 200, response.text
            record = JobRecord.model_validate(response.json())
            return record if record.state in states else None

        found = await assert_eventually(reached, timeout=timeout, message=f"never {states}")
        assert found is not None
        return found


ApiFactory = Callable[..., Awaitable[Api]]


@pytest_asyncio.fixture
async def api(settings: Settings, temporal_client: Client, redis: Redis) -> AsyncIterator[Api]:
    async with api_stack(settings, temporal_client, redis, counting_registry()) as running:
        yield running


@asynccontextmanager
async def api_stack(
    settings: Settings, temporal_client: Client, redis: Redis, registry: JobTypeRegistry
) -> AsyncIterator[Api]:
    async with api_serving(settings, temporal_client, redis, registry) as api, api.worker():
        yield api


@asynccontextmanager
async def api_serving(
    settings: Settings, temporal_client: Client, redis: Redis, registry: JobTypeRegistry
) -> AsyncIterator[Api]:
    """The API alone: jobs it accepts wait, publishing nothing, until ``Api.worker`` runs."""
    services = Services(settings=settings, temporal=temporal_client, redis=redis)
    app = asgi_app(settings, services=services, registry=registry)
    async with serving(app, free_port(), **SOCKET_OPTIONS) as base_url:
        yield Api(
            base_url=base_url,
            settings=settings,
            redis=redis,
            temporal=temporal_client,
            jobs=JobService(temporal_client, settings, registry),
            services=services,
            registry=registry,
        )
