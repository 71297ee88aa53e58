"""The publisher, the projection, the readers and the paper broker on a three-master Redis
Cluster: every script's keys share one slot, and what spans jobs is written apart."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisClusterException, ResponseError
from temporalio.client import Client

from activities.runtime.publisher import RedisEventPublisher
from activities.trade.broker import ChildOrder, client_order_id
from activities.trade.paper import PaperBroker, fills_key
from activities.trade.prices import PriceFeed
from bench.support.counting import counting_registry
from jobwire import redis_keys as keys
from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.states import JobState
from jobwire.errors import JobNotFound
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since
from jobwire.projection.store import ProjectionStore, bury
from jobwire.settings import Settings
from tests.support.job_records import job_event, job_record

pytestmark = pytest.mark.integration

USER = "cluster-user"


class Flat(PriceFeed):
    def price_at(self, step: int) -> Decimal:
        return Decimal("100")


def event(job_id: str, kind: EventType, progress: float) -> EventDraft:
    data = {"spec": {"type": "count"}} if kind is EventType.CREATED else {"phase": "count"}
    return job_event(job_id, USER, kind, progress, **data)


async def publish_job(publisher: RedisEventPublisher) -> str:
    job_id = f"job-{uuid.uuid4()}"
    await publisher.publish(event(job_id, EventType.CREATED, 0.0), job_record(job_id, USER))
    await publisher.publish(event(job_id, EventType.PROGRESS, 30.0))
    await publisher.publish(event(job_id, EventType.PROGRESS, 60.0))
    return job_id


async def test_the_fixture_is_a_real_cluster_that_refuses_cross_slot_scripts(
    cluster: Redis,
) -> None:
    assert isinstance(cluster, RedisCluster)
    await cluster.initialize()
    assert len(cluster.get_primaries()) == 3
    script = cluster.register_script("return redis.call('GET', KEYS[1])")
    with pytest.raises((ResponseError, RedisClusterException)):
        await script(keys=["jobwire:{a}:x", "jobwire:{b}:y"])


async def test_events_are_numbered_folded_and_copied_to_the_feed_on_a_cluster(
    cluster: Redis, settings: Settings
) -> None:
    publisher = RedisEventPublisher(cluster, settings)
    job_ids = [await publish_job(publisher) for _ in range(6)]
    slots = {cluster.keyslot(keys.job_record(job_id)) for job_id in job_ids}
    assert len({cluster.get_node_from_key(keys.job_seq(j)).name for j in job_ids}) > 1, slots

    store = ProjectionStore(cluster, settings.event_stream_ttl_seconds)
    for job_id in job_ids:
        replay = await read_since(cluster, job_id, 1)
        assert [e.seq for e in replay.events] == [2, 3] and replay.complete
        record = (await store.read(job_id)).record(include_spec=True)
        assert record.seq == 3 and record.progress == 60.0 and record.spec == {"type": "count"}
    feed = await cluster.xrange(keys.FEED)
    copied = [
        (f[keys.JOB_FIELD], f[keys.SEQ_FIELD]) for _, f in feed if f[keys.JOB_FIELD] in job_ids
    ]
    assert len(copied) == 18

    rows = await store.summaries(job_ids)
    assert [row["progress"] for row in rows] == [60.0] * 6, "one pipelined read across slots"


async def test_reads_write_back_and_delete_on_a_cluster(
    cluster: Redis, settings: Settings, temporal_client: Client
) -> None:
    publisher = RedisEventPublisher(cluster, settings)
    jobs = JobService(temporal_client, settings, counting_registry(), cluster)
    job_id = await publish_job(publisher)
    record = await jobs.get(USER, job_id)
    assert record.seq == 3 and record.state is JobState.RUNNING

    store = ProjectionStore(cluster, settings.event_stream_ttl_seconds)
    seen = await store.read(job_id)
    moved = record.model_copy(update={"state": JobState.PAUSED})
    assert await store.write_back(moved, seen, include_spec=False)
    assert (await store.read(job_id)).state == "paused"

    await bury(cluster, job_id)
    with pytest.raises(JobNotFound):
        await jobs.get(USER, job_id)
    assert await publisher.publish(event(job_id, EventType.PROGRESS, 70.0)) is None


async def test_the_paper_broker_fills_each_slice_once_on_a_cluster(cluster: Redis) -> None:
    job_id = f"job-{uuid.uuid4()}"
    broker = PaperBroker(cluster, Flat(), ttl_seconds=600)
    order = ChildOrder(
        client_order_id=client_order_id(job_id, 0),
        parent_id=job_id,
        symbol="ACME",
        side="buy",
        quantity=Decimal(10),
        step=0,
    )
    first = await broker.place_order(order)
    again = await broker.place_order(order)
    assert first == again and first.status == "filled"
    assert await broker.get_order(order.client_order_id) == first
    assert len(await cluster.lrange(fills_key(job_id), 0, -1)) == 1
