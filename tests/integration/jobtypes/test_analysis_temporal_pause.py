"""A generated analysis paused and unpaused with Temporal's own CLI (`temporal activity
pause` / `unpause`) at any point of its scan completes, with the result of a scan that never
stopped: its checkpoint holds only finite numbers, so every attempt can resume from it."""

from __future__ import annotations

import pytest

from jobwire.contract.states import JobState
from tests.helpers import assert_eventually
from tests.integration.engine.test_temporal_pause import temporal_cli, temporal_cli_answer
from tests.integration.jobtypes.conftest import Jobs
from tests.unit.jobtypes.harness import Harness, unit_settings

pytestmark = pytest.mark.integration

SPEC = {
    "type": "analysis",
    # A strong drift: unbounded, the walk overflows within its first 8,000 rows. The scan
    # covers 0-90 % of the job's progress, so 70 % is late in it.
    "dataset": {"kind": "generated", "rows": 300_000, "seed": 11, "drift_bps": 1000},
    "chunk_rows": 1000,
}


GONE = "activity already completed"
"""The CLI's answer when the scan ended before its pause reached Temporal."""


async def scanning_past(jobs: Jobs, pause_at: float) -> tuple[str, str]:
    """A new job, and its scan's activity id once its progress has passed ``pause_at``."""
    record, _ = await jobs.jobs.submit("una", SPEC)
    handle = jobs.jobs.temporal.get_workflow_handle(record.job_id)

    async def scanning_past_the_point() -> str | None:
        seen = [e.progress for e in jobs.events.events if e.job_id == record.job_id]
        pending = (await handle.describe()).raw_description.pending_activities
        scan = [a for a in pending if a.activity_type.name == "analysis.scan"]
        if seen and max(seen) >= pause_at and scan:
            return scan[0].activity_id
        return None

    activity_id = await assert_eventually(
        scanning_past_the_point,
        timeout=90,
        interval=0.05,
        message=f"the scan never reached {pause_at} %",
    )
    return record.job_id, activity_id


async def scan_paused_past(jobs: Jobs, pause_at: float) -> tuple[str, tuple[str, ...]]:
    """A job whose scan Temporal's CLI paused once its progress passed ``pause_at``. Little of
    the scan is left at 70 %, and the CLI can take a second to start on a loaded machine (a
    clean clone's run saw the scan end first): that is no pause at all, so a fresh job tries
    again, at most three times."""
    for _ in range(3):
        job_id, activity_id = await scanning_past(jobs, pause_at)
        target = ("--workflow-id", job_id, "--activity-id", activity_id)
        code, output = await temporal_cli_answer(jobs, "activity", "pause", *target)
        if code == 0:
            return job_id, target
        assert GONE in output, output
    raise AssertionError(f"three scans ended before the CLI could pause them at {pause_at} %")


@pytest.mark.parametrize("pause_at", [2.0, 40.0, 70.0], ids=["early", "mid-scan", "late"])
async def test_a_generated_analysis_paused_and_unpaused_by_temporal_completes(
    jobs: Jobs, pause_at: float
) -> None:
    job_id, target = await scan_paused_past(jobs, pause_at)

    async def paused() -> bool:
        current = await jobs.jobs.get("una", job_id)
        return current.state is JobState.PAUSED and current.paused_by == "temporal"

    await assert_eventually(paused, message="the Temporal pause never showed")
    await temporal_cli(jobs, "activity", "unpause", *target)

    done = await jobs.finished("una", job_id, timeout=180)

    assert done.state is JobState.COMPLETED, done.error
    whole = await Harness(unit_settings()).run_all(SPEC)
    assert done.result == whole
