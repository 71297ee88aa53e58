"""Records the histories that the replay test replays: ``python -m tests.support.history_recorder``.

Run it after a deliberate, versioned change to JobWorkflow (and only then): it starts its own
Temporal and Redis, runs each scenario of every job type with the code as it is now, and
writes one JSON history per scenario to ``tests/replay/histories/``. The replay test then
proves that later changes still replay them, that is, that running jobs survive a deploy.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.runtime.context import PhaseResources
from bench.support.counting import COUNT_TYPE
from bench.support.throwaway import throwaway_servers
from jobwire.cli.server.worker import build_worker
from jobwire.contract.publishing import NullPublisher
from jobwire.contract.records import JobRecord
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.contract.states import JobAction
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.support.search_standin import SearchStandIn, search_standin

HISTORIES = Path(__file__).resolve().parents[1] / "replay" / "histories"
USER = "replay"

Scenario = Callable[[JobService], Awaitable[str]]


def recording_registry() -> JobTypeRegistry:
    """Every built-in and plugin job type, plus the engine tests' counting type."""
    job_types.load()
    registry = JobTypeRegistry()
    for definition in job_types.definitions():
        registry.add(definition)
    registry.add(COUNT_TYPE)
    return registry


async def finish(jobs: JobService, job_id: str) -> JobRecord:
    for _ in range(1200):
        record = await jobs.get(USER, job_id)
        if record.state.is_terminal:
            return record
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{job_id} never finished")


async def run_spec(jobs: JobService, spec: dict[str, Any]) -> str:
    record, _ = await jobs.submit(USER, spec)
    await finish(jobs, record.job_id)
    return record.job_id


async def paused_and_resumed(jobs: JobService) -> str:
    record, _ = await jobs.submit(USER, {"type": "count", "items": 200, "item_seconds": 0.01})
    await asyncio.sleep(0.5)
    await jobs.control(USER, record.job_id, JobAction.PAUSE)
    await jobs.control(USER, record.job_id, JobAction.RESUME)
    await finish(jobs, record.job_id)
    return record.job_id


async def cancelled(jobs: JobService) -> str:
    record, _ = await jobs.submit(USER, {"type": "count", "items": 500, "item_seconds": 0.01})
    await asyncio.sleep(0.5)
    await jobs.control(USER, record.job_id, JobAction.CANCEL)
    await finish(jobs, record.job_id)
    return record.job_id


def scenarios(registry: JobTypeRegistry) -> dict[str, Scenario]:
    chosen: dict[str, Scenario] = {
        "count-completed": lambda jobs: run_spec(jobs, {"type": "count", "items": 20}),
        "count-failed": lambda jobs: run_spec(
            jobs, {"type": "count", "items": 10, "fail_at": 5, "force": True}
        ),
        "count-retried": lambda jobs: run_spec(
            jobs, {"type": "count", "items": 10, "flaky_at": 5, "force": True}
        ),
        "count-paused-resumed": paused_and_resumed,
        "count-cancelled": cancelled,
    }
    for definition in registry.definitions():
        for index, example in enumerate(definition.examples):
            spec = dict(example)
            chosen[f"{definition.name}-example-{index}"] = lambda jobs, spec=spec: run_spec(
                jobs, spec
            )
    return chosen


def publish_for_search(web: SearchStandIn) -> None:
    """What the question-only research example finds: two loopback pages."""
    for name, text in (
        ("durable", "A durable workflow replays its history after its worker crashes."),
        ("other", "Something else entirely."),
    ):
        web.pages[name] = f"<html><head><title>{name}</title></head><body><p>{text}</p></body>"
        web.add(web.page_url(name), name)


async def record_all() -> None:
    registry = recording_registry()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        async with throwaway_servers(root) as (temporal, redis_server), search_standin() as web:
            publish_for_search(web)
            await _record(registry, temporal.address, redis_server.url, root, web)


async def _record(
    registry: JobTypeRegistry, address: str, redis_url: str, root: Path, web: SearchStandIn
) -> None:
    settings = Settings(
        _env_file=None,
        environment="development",
        temporal_address=address,
        redis_url=redis_url,
        task_queue=f"replay-{uuid.uuid4()}",
        files_root=root,
        heartbeat_timeout_seconds=5,
        heartbeat_throttle_seconds=0.2,
        retry_initial_interval_seconds=0.2,
        allow_private_sources=True,  # the search example's pages are on loopback
        job_types={"research": {"search_provider": "searxng", "searxng_url": web.searxng_url}},
    )
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    redis = Redis.from_url(redis_url, decode_responses=True)
    HISTORIES.mkdir(parents=True, exist_ok=True)
    async with httpx.AsyncClient() as http:
        resources = PhaseResources(settings=settings, redis=redis, http=http)
        worker = build_worker(client, settings, resources, NullPublisher(), registry)
        async with worker:
            jobs = JobService(client, settings, registry)
            for name, scenario in scenarios(registry).items():
                job_id = await scenario(jobs)
                history = await client.get_workflow_handle(job_id).fetch_history()
                (HISTORIES / f"{name}.json").write_text(history.to_json())
                print(f"recorded {name}")
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(record_all())
