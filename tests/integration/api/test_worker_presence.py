"""How the task queue's liveness weighs each worker's presence in Redis against Temporal's
pollers: a worker that stopped renewing is gone though Temporal still lists its polls, a
poller Redis knows nothing of counts by Temporal's rule, and with Redis down Temporal's
pollers are the whole answer. Real Redis, a real dev server, real in-process workers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from jobwire import redis_keys as keys
from jobwire.jobs.liveness import TaskQueueLiveness
from jobwire.jobs.worker_presence import keep_present, read_presence, renew
from jobwire.observability.worker_metrics import worker_metrics
from jobwire.settings import Settings
from tests.helpers import assert_eventually, refused_port

pytestmark = pytest.mark.integration

TTL = 6.0


@workflow.defn(sandboxed=False)
class Idle:
    @workflow.run
    async def run(self) -> None:
        return None


@activity.defn
async def idle() -> None:
    return None


@asynccontextmanager
async def polling_worker(client: Client, settings: Settings, identity: str) -> AsyncIterator[None]:
    """A worker that polls both queue types and never announces itself in Redis."""
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[Idle],
        activities=[idle],
        identity=identity,
    )
    async with worker:
        yield


async def mark_gone(redis: Redis, settings: Settings, identity: str) -> datetime:
    """``identity`` last renewed a minute ago, as a worker killed then would have."""
    seconds, _ = await redis.time()
    await redis.zadd(keys.worker_presence(settings.task_queue), {identity: seconds - 60})
    return datetime.fromtimestamp(seconds - 60, UTC)


def liveness(client: Client, settings: Settings, redis: Redis | None) -> TaskQueueLiveness:
    fresh = settings.model_copy(update={"worker_liveness_cache_seconds": 0.0})
    return TaskQueueLiveness(client, fresh, redis)


async def test_a_renewed_worker_is_live_and_one_that_stopped_renewing_is_gone(
    settings: Settings, redis: Redis
) -> None:
    await renew(redis, settings.task_queue, "live@host")
    gone_at = await mark_gone(redis, settings, "dead@host")
    presence = await read_presence(redis, settings.task_queue, TTL)
    assert presence.live == {"live@host"}
    assert presence.known == {"live@host", "dead@host"}
    assert presence.last_seen is not None and presence.last_seen > gone_at
    empty = await read_presence(redis, f"{settings.task_queue}-none", TTL)
    assert (empty.live, empty.known, empty.last_seen) == (frozenset(), frozenset(), None)


async def test_a_present_worker_serves_the_queue_before_temporal_lists_its_polls(
    settings: Settings, redis: Redis, temporal_client: Client
) -> None:
    await renew(redis, settings.task_queue, "starting@host")
    seen = await liveness(temporal_client, settings, redis).current()
    assert seen.polling and seen.summary() == "ok"


async def test_a_gone_workers_polls_no_longer_count_though_temporal_still_lists_them(
    settings: Settings, redis: Redis, temporal_client: Client
) -> None:
    identity = f"killed-{uuid.uuid4().hex[:8]}@host"
    checker = liveness(temporal_client, settings, redis)
    async with polling_worker(temporal_client, settings, identity):
        await assert_eventually(lambda: _polling(checker), timeout=30)
        gone_at = await mark_gone(redis, settings, identity)
        seen = await checker.current()
    assert not seen.polling
    assert seen.last_seen is not None and seen.last_seen >= gone_at
    assert seen.summary().startswith("none since")


async def test_a_poller_redis_does_not_know_still_counts_by_temporals_rule(
    settings: Settings, redis: Redis, temporal_client: Client
) -> None:
    await mark_gone(redis, settings, "dead@host")
    checker = liveness(temporal_client, settings, redis)
    async with polling_worker(temporal_client, settings, f"plain-{uuid.uuid4().hex[:8]}@host"):
        await assert_eventually(lambda: _polling(checker), timeout=30)


async def test_with_redis_down_temporals_pollers_are_the_answer(
    settings: Settings, temporal_client: Client
) -> None:
    with refused_port() as port:
        down = Redis(port=port, socket_connect_timeout=0.5, socket_timeout=0.5)
        checker = liveness(temporal_client, settings, down)
        try:
            assert not (await checker.current()).polling
            async with polling_worker(temporal_client, settings, "plain@host"):
                await assert_eventually(lambda: _polling(checker), timeout=30)
        finally:
            await down.aclose()


async def test_a_worker_rides_out_a_redis_outage_and_renews_once_redis_is_back(
    settings: Settings, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    before = presence_failures()

    async def warned() -> bool:
        assert "cannot renew worker presence of w@host" in caplog.text
        assert presence_failures() > before + 1, "it kept trying"
        return True

    with refused_port() as port:
        down = Redis(port=port, socket_connect_timeout=0.5, socket_timeout=0.5)
        renewing = asyncio.create_task(keep_present(down, settings.task_queue, "w@host", 0.05))
        try:
            await assert_eventually(warned, timeout=10)
            assert not renewing.done(), "an outage never stops the renewals"
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            await down.aclose()
    renewing = asyncio.create_task(keep_present(redis, settings.task_queue, "w@host", 0.05))
    try:

        async def present() -> bool:
            return "w@host" in (await read_presence(redis, settings.task_queue, TTL)).live

        await assert_eventually(present, timeout=10)
    finally:
        renewing.cancel()
        await asyncio.gather(renewing, return_exceptions=True)


def presence_failures() -> float:
    name, labels = "jobwire_worker_redis_errors_total", {"operation": "presence"}
    return worker_metrics.registry.get_sample_value(name, labels) or 0.0


async def _polling(checker: TaskQueueLiveness) -> bool:
    return (await checker.current()).polling
