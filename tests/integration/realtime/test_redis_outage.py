"""Redis killed in the middle of a job and started again: the job finishes, subscribers are
told the feed is degraded and get progress from Temporal meanwhile, then live events again."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.cli.devstack.redis_server import RedisServer
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.settings import Settings
from tests.support.api_stack import api_stack
from tests.support.feed_client import FeedClient

pytestmark = pytest.mark.integration


async def test_a_redis_outage_degrades_the_feed_and_loses_no_job(
    settings: Settings, temporal_client: Client, redis: Redis, redis_dev: RedisServer
) -> None:
    registry = JobTypeRegistry()
    registry.add(job_types.get("analysis"))
    settings = settings.model_copy(update={"fallback_poll_seconds": 0.5})
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 1_500_000, "seed": 3},
        "chunk_rows": 10_000,
    }
    async with api_stack(settings, temporal_client, redis, registry) as api:
        async with api.client() as http:
            job_id = (await http.post("/api/jobs", json=spec)).json()["job_id"]
        feed = await FeedClient(api.base_url, api.token("alice")).connect()
        try:
            await feed.call_marked("subscribe", {"job_id": job_id, "since": 0})
            await feed.until(
                lambda: any(e["progress"] >= 5 for e in feed.events(job_id)), what="no progress"
            )
            await redis_dev.kill()
            await feed.until(
                lambda: any(s["state"] == "degraded" for s in feed.of("feed_status")),
                what="never told the feed is degraded",
            )
            before = len(feed.events(job_id))
            await feed.until(
                lambda: len({e["progress"] for e in feed.events(job_id)[before:]}) >= 3,
                what="no progress from Temporal during the outage",
            )
            during = feed.events(job_id)[before:]
            assert {e["type"] for e in during} == {"job.snapshot"}
            assert all(e["data"]["record"]["job_id"] == job_id for e in during)

            await redis_dev.start()
            await feed.until_finished(job_id, timeout=120)
            events = feed.after_ack(job_id)  # before it: the room's, sent again by the replay
        finally:
            await feed.close()

    assert feed.of("feed_status")[-1]["state"] == "live"
    assert events[-1]["type"] == "job.completed"
    live = [e for e in events if e["type"] != "job.snapshot"]
    numbers = [e["seq"] for e in live]
    assert len(numbers) == len(set(numbers)), "no live event twice"
    assert sorted(numbers) == list(range(1, len(numbers) + 1)), "and none missing"
    after = [e for e in live if e["seq"] > during[-1]["seq"]]
    assert after, "live events came back after the outage"
