"""The workflow hears a phase's progress only as often as Temporal's UI needs: reads come from
the job's projection in Redis, fed by the live events, which stay frequent."""

from __future__ import annotations

from jobwire.contract.phases import ProgressReport
from jobwire.settings import Settings
from tests.unit.jobtypes.harness import Harness, unit_settings

TRADE = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "100", "slices": 10}


def test_the_workflow_is_told_of_progress_every_ten_seconds_by_default() -> None:
    assert Settings(_env_file=None).progress_report_seconds == 10.0


async def test_a_busy_phase_signals_its_workflow_once_per_interval_and_publishes_every_step() -> (
    None
):
    harness = Harness(unit_settings(progress_report_seconds=10.0))
    ctx = harness.context(TRADE, "execute")
    reports: list[ProgressReport] = []

    async def report(progress: ProgressReport) -> None:
        reports.append(progress)

    ctx._report_progress = report
    for done in range(1, 51):
        await ctx.advance(done=done, total=50, position=f"{done}", state={"done": done})

    assert len(reports) == 1, "the first step reports; the rest fall inside the interval"
    progress_events = [e for e in harness.events.events if e.type == "job.progress"]
    assert len(progress_events) == 50, "the live feed still sees every step"
