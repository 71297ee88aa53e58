"""Trades on the paper broker in Redis: slices fill once each, risk checks stop a trade before
any order, and a worker killed with SIGKILL again and again never fills an order twice."""

from __future__ import annotations

import asyncio
import random
import signal
from decimal import Decimal
from pathlib import Path

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from activities.trade.broker import ChildOrder, OrderState
from activities.trade.models import RandomWalkPrices
from activities.trade.paper import HALF_SPREAD_BPS, PaperBroker, fills_key
from activities.trade.prices import TICK, RandomWalkFeed
from bench.support.processes import jobwire_process
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.integration.jobtypes.conftest import Jobs

pytestmark = pytest.mark.integration


async def fill_log(redis: Redis, job_id: str) -> list[OrderState]:
    return [
        OrderState.model_validate_json(raw) for raw in await redis.lrange(fills_key(job_id), 0, -1)
    ]


async def test_the_paper_broker_fills_a_client_order_id_once(redis: Redis) -> None:
    broker = PaperBroker(redis, RandomWalkFeed(RandomWalkPrices(seed=1)), ttl_seconds=600)
    order = ChildOrder(
        client_order_id="job-paper-test:slice-0000",
        parent_id="job-paper-test",
        symbol="ACME",
        side="buy",
        quantity=Decimal(10),
        step=1,
    )
    assert await broker.get_order(order.client_order_id) is None
    first = await broker.place_order(order)
    again = await broker.place_order(order.model_copy(update={"step": 5}))
    assert first.status == "filled" and first.filled_quantity == 10
    assert again == first, "a duplicate id returns the first order"
    assert await broker.get_order(order.client_order_id) == first
    assert len(await fill_log(redis, "job-paper-test")) == 1


async def test_a_limit_the_market_is_beyond_is_rejected_not_filled(redis: Redis) -> None:
    broker = PaperBroker(redis, RandomWalkFeed(RandomWalkPrices(seed=1)), ttl_seconds=600)
    order = ChildOrder(
        client_order_id="job-limit-test:slice-0000",
        parent_id="job-limit-test",
        symbol="ACME",
        side="buy",
        quantity=Decimal(10),
        limit_price=Decimal(50),
        step=1,
    )
    state = await broker.place_order(order)
    assert state.status == "rejected" and state.filled_quantity == 0
    assert "beyond the limit" in (state.reason or "")
    assert await fill_log(redis, "job-limit-test") == []


async def test_a_vwap_trade_fills_every_slice_once(jobs: Jobs) -> None:
    spec = {
        "type": "trade",
        "symbol": "ACME",
        "side": "sell",
        "quantity": "1000",
        "strategy": "vwap",
        "slices": 5,
        "duration_seconds": 1,
        "volume_profile": [1, 1, 2, 3, 3],
    }
    record, _ = await jobs.jobs.submit("trudy", spec)
    done = await jobs.finished("trudy", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    result = done.result
    assert result is not None
    assert Decimal(result["filled_quantity"]) == 1000
    assert [Decimal(f["quantity"]) for f in result["fills"]] == [100, 100, 200, 300, 300]
    ids = [f["client_order_id"] for f in result["fills"]]
    assert ids == [f"{record.job_id}:slice-{i:04d}" for i in range(5)]
    notional = sum(Decimal(f["quantity"]) * Decimal(f["price"]) for f in result["fills"])
    assert Decimal(result["average_price"]) == pytest.approx(notional / 1000)
    arrival = Decimal(result["arrival_price"])
    expected = float((arrival - Decimal(result["average_price"])) / arrival * 10_000)
    assert result["slippage_bps"] == pytest.approx(expected, abs=1e-3), "a sell's slippage"
    assert [s["status"] for s in result["slices"]] == ["filled"] * 5
    assert [f.client_order_id for f in await fill_log(jobs.redis, record.job_id)] == ids
    path = result["price_path"]
    assert [p["step"] for p in path] == list(range(6)), "arrival, then one step per slice"
    assert Decimal(path[0]["price"]) == arrival
    for fill in result["fills"]:
        market = Decimal(path[fill["slice"] + 1]["price"])
        assert Decimal(fill["price"]) == (market * (1 - HALF_SPREAD_BPS / 10_000)).quantize(TICK)


async def test_a_trade_over_the_notional_limit_fails_before_any_order(jobs: Jobs) -> None:
    spec = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "1000000", "slices": 2}
    record, _ = await jobs.jobs.submit("trudy", spec)
    done = await jobs.finished("trudy", record.job_id)

    assert done.state is JobState.FAILED
    assert done.error is not None
    assert done.error.type == "RiskCheckFailed" and done.error.retryable is False
    assert "exceeds the maximum" in done.error.message
    assert done.error.phase == "check"
    assert await fill_log(jobs.redis, record.job_id) == []


async def test_a_price_file_outside_the_root_fails_as_an_invalid_spec(
    jobs: Jobs, tmp_path: Path
) -> None:
    (tmp_path / "outside.csv").write_text("price\n1\n2\n3\n")
    (jobs.settings.files_root / "prices.csv").symlink_to(tmp_path / "outside.csv")  # type: ignore[operator]
    spec = {
        "type": "trade",
        "symbol": "ACME",
        "side": "buy",
        "quantity": "10",
        "slices": 2,
        "prices": {"kind": "csv", "path": "prices.csv"},
    }
    record, _ = await jobs.jobs.submit("trudy", spec)
    done = await jobs.finished("trudy", record.job_id)
    assert done.state is JobState.FAILED and done.error is not None
    assert done.error.type == "InvalidSpec" and "outside the files root" in done.error.message


SLICES = 40
KILLS = 4


@pytest.mark.timeout(420)  # five worker processes started in turn: slow on a busy machine
async def test_kill_9_at_random_points_never_fills_an_order_twice(
    settings: Settings, temporal_client: Client, redis: Redis, tmp_path: Path
) -> None:
    # What is tested is that no slice fills twice, not the retry budget: KILLS kills spend at
    # least KILLS attempts, and on a loaded machine one more can go (a task handed to a dead
    # worker's last poll, or a first heartbeat late past the 2 s): a clean clone's run ran
    # out of the default 5 attempts, so the budget leaves room for that.
    settings = settings.model_copy(
        update={
            "heartbeat_timeout_seconds": 2.0,
            "heartbeat_throttle_seconds": 0.1,
            "retry_maximum_attempts": 2 * KILLS + 2,
        }
    )
    jobs = JobService(temporal_client, settings, job_types)
    spec = {
        "type": "trade",
        "symbol": "ACME",
        "side": "buy",
        "quantity": "4000",
        "strategy": "twap",
        "slices": SLICES,
        "duration_seconds": SLICES * 0.15,
    }
    record, _ = await jobs.submit("crash", spec)
    rng = random.Random()
    workers = []
    try:
        for kill in range(KILLS):
            worker = jobwire_process("worker", settings, tmp_path / f"worker{kill}")
            workers.append(worker)
            await worker.start()
            seen = len(await fill_log(redis, record.job_id))
            target = min(seen + rng.randint(1, 6), SLICES - 1)

            async def progressed(target: int = target) -> bool:
                return len(await fill_log(redis, record.job_id)) >= target

            await assert_eventually(progressed, timeout=60, message=worker.log_tail())
            await asyncio.sleep(rng.uniform(0, 0.15))  # a random point within the slice
            worker.signal_group(signal.SIGKILL)
            assert worker.process is not None
            await worker.process.wait()
        assert len(await fill_log(redis, record.job_id)) < SLICES, "finished before the kills"

        last = jobwire_process("worker", settings, tmp_path / "last")
        workers.append(last)
        await last.start()

        async def done() -> bool:
            return (await jobs.get("crash", record.job_id)).state.is_terminal

        await assert_eventually(done, timeout=120, message=last.log_tail())
    finally:
        for worker in workers:
            await worker.stop(grace=2)

    final = await jobs.get("crash", record.job_id)
    assert final.state is JobState.COMPLETED, final.error
    assert final.result is not None
    assert Decimal(final.result["filled_quantity"]) == Decimal(4000)
    fills = await fill_log(redis, record.job_id)
    ids = [fill.client_order_id for fill in fills]
    assert len(ids) == len(set(ids)) == SLICES, "every slice filled, none twice"
    assert sum(fill.filled_quantity for fill in fills) == Decimal(4000)
    attempts = [
        event.activity_task_started_event_attributes.attempt
        async for event in temporal_client.get_workflow_handle(record.job_id).fetch_history_events()
        if event.HasField("activity_task_started_event_attributes")
    ]
    assert max(attempts) >= 2, "the execute phase was retried after the kills"
