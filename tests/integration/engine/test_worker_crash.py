"""kill -9 of a real worker process in the middle of a phase: the job goes on from its last
checkpoint on the next worker, and at most the work of one heartbeat interval is redone."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry, processed_items
from bench.support.processes import jobwire_process
from jobwire.contract.events import EventType
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since
from jobwire.settings import Settings
from tests.helpers import assert_eventually

pytestmark = pytest.mark.integration

ITEMS = 40
ITEM_SECONDS = 0.1


async def test_kill_9_of_the_worker_redoes_at_most_one_heartbeat_of_work(
    settings: Settings, temporal_client: Client, redis: Redis, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={"heartbeat_timeout_seconds": 2.0, "heartbeat_throttle_seconds": 0.1}
    )
    plugin = ["bench.support.counting_plugin"]
    jobs = JobService(temporal_client, settings, counting_registry())
    first = jobwire_process("worker", settings, tmp_path / "first", job_type_modules=plugin)
    second = jobwire_process("worker", settings, tmp_path / "second", job_type_modules=plugin)
    await first.start()
    try:
        spec = {"type": "count", "items": ITEMS, "item_seconds": ITEM_SECONDS, "force": True}
        record, _ = await jobs.submit("crash", spec)

        async def midway() -> bool:
            return len(await processed_items(redis, record.job_id)) >= ITEMS // 3

        await assert_eventually(midway, timeout=60, message="the first worker never got going")
        first.signal_group(signal.SIGKILL)
        assert first.process is not None
        await first.process.wait()
        at_kill = len(await processed_items(redis, record.job_id))
        assert at_kill < ITEMS, "the job finished before the kill; make it longer"

        await second.start()

        async def done() -> bool:
            return (await jobs.get("crash", record.job_id)).state is JobState.COMPLETED

        await assert_eventually(done, timeout=90, message=second.log_tail())
    finally:
        await first.stop(grace=1)
        await second.stop(grace=5)

    items = await processed_items(redis, record.job_id)
    assert sorted(set(items)) == list(range(ITEMS)), "nothing is lost"
    redone = len(items) - ITEMS
    # One item takes 0.1 s and a checkpoint reaches Temporal every 0.1 s, so the item in
    # flight, plus at most one whose checkpoint was still on its way, is all that runs again.
    assert redone <= 2, f"{redone} items were redone"
    attempts = [
        event.activity_task_started_event_attributes.attempt
        async for event in temporal_client.get_workflow_handle(record.job_id).fetch_history_events()
        if event.HasField("activity_task_started_event_attributes")
    ]
    assert max(attempts) == 2, "the count phase ran a second attempt after the crash"

    # Both worker processes published to the live feed in Redis; the second said it recovered.
    replay = await read_since(redis, record.job_id, 0)
    assert replay.complete
    assert [e.seq for e in replay.events] == list(range(1, replay.last_seq + 1))
    recovered = [e for e in replay.events if e.type is EventType.RECOVERED]
    assert len(recovered) == 1, [e.type for e in replay.events]
    data = recovered[0].data
    assert data["attempt"] == 2 and data["phase"] == "count"
    assert at_kill - 2 <= data["resume_from_done"] <= at_kill
    assert replay.events[-1].type is EventType.COMPLETED
