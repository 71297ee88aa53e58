"""kill -9 of real worker processes in the middle of a trade and of an analysis: the trade
fills exactly its quantity with no order sent twice, the analysis gives the uninterrupted
answer."""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from activities.aggregates import Analysis
from activities.analysis import GeneratedSeries, _generated
from jobwire.contract.records import JobRecord
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.devstack.processes import ManagedProcess
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.processes import jobwire_process

pytestmark = pytest.mark.integration


def crash_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"heartbeat_timeout_seconds": 2.0, "heartbeat_throttle_seconds": 0.1}
    )


async def kill(worker: ManagedProcess) -> None:
    worker.signal_group(signal.SIGKILL)
    assert worker.process is not None
    await worker.process.wait()
    await worker.stop(grace=0)  # reaps it and closes its log


async def finished(jobs: JobService, job_id: str, worker: ManagedProcess) -> JobRecord:
    async def done() -> JobRecord | None:
        record = await jobs.get("crash", job_id)
        return record if record.state.is_terminal else None

    record = await assert_eventually(done, timeout=120, message=worker.log_tail())
    assert record is not None
    return record


async def test_a_trade_killed_three_times_fills_its_quantity_exactly_once(
    settings: Settings, temporal_client: Client, redis: Redis, tmp_path: Path
) -> None:
    settings = crash_settings(settings)
    jobs = JobService(temporal_client, settings, job_types)
    spec = {
        "type": "trade",
        "symbol": "ACME",
        "side": "sell",
        "quantity": 5000,
        "strategy": "twap",
        "slices": 40,
        "duration_seconds": 8,
    }
    record, _ = await jobs.submit("crash", spec)
    orders = f"jobwire:paper:{record.job_id}:orders"
    chooser = random.Random(11)
    worker = jobwire_process("worker", settings, tmp_path / "w0")
    try:
        for round_number in range(3):
            await worker.start()
            target = await redis.hlen(orders) + chooser.randint(2, 7)

            async def reached(target: int = target) -> bool:
                return await redis.hlen(orders) >= target

            await assert_eventually(reached, timeout=60, message=worker.log_tail())
            await kill(worker)
            worker = jobwire_process("worker", settings, tmp_path / f"w{round_number + 1}")
        await worker.start()
        done = await finished(jobs, record.job_id, worker)
    finally:
        await worker.stop(grace=5)

    assert done.state is JobState.COMPLETED, done.error
    assert done.result is not None and done.result["filled_quantity"] == 5000
    sends = await redis.hgetall(f"jobwire:paper:{record.job_id}:sends")
    assert len(sends) == 40 and set(sends.values()) == {"1"}, sends
    assert sum(f["filled_quantity"] for f in done.result["fills"]) == 5000


async def test_an_analysis_killed_midway_gives_the_uninterrupted_result(
    settings: Settings, temporal_client: Client, tmp_path: Path
) -> None:
    settings = crash_settings(settings)
    jobs = JobService(temporal_client, settings, job_types)
    series = GeneratedSeries(rows=300_000, seed=5)
    spec = {
        "type": "analysis",
        "dataset": series.model_dump(),
        "chunk_rows": 5_000,
        "sma_fast": 10,
        "sma_slow": 50,
    }
    record, _ = await jobs.submit("crash", spec)
    first = jobwire_process("worker", settings, tmp_path / "first")
    second = jobwire_process("worker", settings, tmp_path / "second")
    try:
        await first.start()

        async def midway() -> bool:
            current = await jobs.get("crash", record.job_id)
            return current.checkpoint is not None and 20.0 <= current.progress < 80.0

        await assert_eventually(midway, timeout=90, interval=0.05, message=first.log_tail())
        await kill(first)
        await second.start()
        done = await finished(jobs, record.job_id, second)
    finally:
        await first.stop(grace=1)
        await second.stop(grace=5)

    assert done.state is JobState.COMPLETED, done.error
    direct = Analysis(fast=10, slow=50, vol_window=20)
    for row in _generated(series, "close"):
        direct.add(float(row["close"]))
    assert done.result == direct.result("close")
    attempts = [
        event.activity_task_started_event_attributes.attempt
        async for event in temporal_client.get_workflow_handle(record.job_id).fetch_history_events()
        if event.HasField("activity_task_started_event_attributes")
    ]
    assert max(attempts) == 2, "the analysis went on in a second attempt after the kill"
