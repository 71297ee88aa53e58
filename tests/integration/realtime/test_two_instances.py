"""Two `jobwire api` processes behind no balancer: a job started through the first is
followed live by a client of the second, while the worker runs elsewhere."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry
from bench.support.processes import jobwire_process
from bench.support.throwaway import api_ready
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.server.worker import feed_publisher, running_worker
from jobwire.connections.services import Services
from jobwire.settings import Settings
from tests.support.feed_client import FeedClient

pytestmark = pytest.mark.integration

PLUGIN = ["bench.support.counting_plugin"]


async def test_a_client_of_the_second_instance_follows_a_job_started_on_the_first(
    settings: Settings, temporal_client: Client, redis: Redis, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    apis = [
        jobwire_process(
            "api", settings, tmp_path / f"api{n}", api_port=port, job_type_modules=PLUGIN
        )
        for n, port in enumerate(ports)
    ]
    services = Services(settings=settings, temporal=temporal_client, redis=redis)
    token = issue_token(settings, "alice")
    try:
        for api, port in zip(apis, ports, strict=True):
            await api.start()
            await api.wait_ready(
                lambda port=port: api_ready(f"http://127.0.0.1:{port}"), timeout=60
            )
        async with running_worker(
            settings, services, feed_publisher(services), counting_registry()
        ):
            feed = await FeedClient(f"http://127.0.0.1:{ports[1]}", token).connect()
            try:
                async with httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{ports[0]}",
                    headers={"Authorization": f"Bearer {token}"},
                ) as first:
                    created = await first.post(
                        "/api/jobs", json={"type": "count", "items": 30, "item_seconds": 0.02}
                    )
                    assert created.status_code == 201, created.text
                job_id = created.json()["job_id"]
                events = await feed.until_finished(job_id)
            finally:
                await feed.close()
    finally:
        for api in apis:
            await api.stop(grace=5)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["type"] == "job.completed"
