"""Temporal's own activity pause (`temporal activity pause`) shows as a paused job, keeps the
checkpoint with the server, and jobwire's resume lifts it."""

from __future__ import annotations

import asyncio

import pytest

from bench.support.counting import processed_items
from jobwire.cli.devstack.binaries import temporal_binary
from jobwire.contract.events import EventType
from jobwire.contract.states import JobAction, JobState
from tests.helpers import assert_eventually
from tests.integration.engine.conftest import Engine

pytestmark = pytest.mark.integration


async def temporal_cli(engine: Engine, *args: str) -> None:
    code, output = await temporal_cli_answer(engine, *args)
    assert code == 0, output


async def temporal_cli_answer(engine: Engine, *args: str) -> tuple[int | None, str]:
    """The CLI's exit code and what it printed."""
    process = await asyncio.create_subprocess_exec(
        str(temporal_binary()),
        *args,
        "--address",
        engine.settings.temporal_address,
        "--namespace",
        engine.settings.temporal_namespace,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode, output.decode()


async def test_a_job_paused_from_temporals_cli_shows_paused_and_resumes_from_its_heartbeat(
    engine: Engine,
) -> None:
    spec = {"type": "count", "items": 300, "item_seconds": 0.02}
    record, _ = await engine.jobs.submit("pat", spec)
    job_id = record.job_id

    async def counting() -> bool:
        return len(await processed_items(engine.redis, job_id)) >= 20

    await assert_eventually(counting, message="the job never got going")
    description = await engine.temporal.get_workflow_handle(job_id).describe()
    activity_id = description.raw_description.pending_activities[0].activity_id
    await temporal_cli(
        engine, "activity", "pause", "--workflow-id", job_id, "--activity-id", activity_id
    )

    async def paused() -> bool:
        current = await engine.jobs.get("pat", job_id)
        return current.state is JobState.PAUSED and current.paused_by == "temporal"

    await assert_eventually(paused, message="the Temporal pause never showed")
    shown = await engine.jobs.get("pat", job_id)
    assert shown.allowed_actions == [JobAction.RESUME, JobAction.CANCEL]
    assert shown.checkpoint is not None and shown.checkpoint.phase == "count"

    async def stalled() -> bool:
        before = len(await processed_items(engine.redis, job_id))
        await asyncio.sleep(0.5)
        return len(await processed_items(engine.redis, job_id)) == before

    await assert_eventually(stalled, message="the paused activity kept working")
    assert any(
        e.type is EventType.PAUSED and e.data.get("paused_by") == "temporal"
        for e in engine.events_of(job_id)
    )

    resumed = await engine.jobs.control("pat", job_id, JobAction.RESUME)
    assert resumed.paused_by is None

    async def completed() -> bool:
        return (await engine.jobs.get("pat", job_id)).state is JobState.COMPLETED

    await assert_eventually(completed, timeout=60, message="the job never finished")
    items = await processed_items(engine.redis, job_id)
    assert sorted(set(items)) == list(range(300))
    # The server keeps the last heartbeat that reached it; what ran after it is done again:
    # at most one heartbeat interval of items (plus the one in flight), never a restart.
    per_heartbeat = engine.settings.heartbeat_throttle_seconds / 0.02
    assert len(items) - 300 <= per_heartbeat + 1, "the next attempt resumed from the kept heartbeat"
