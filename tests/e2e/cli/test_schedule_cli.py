"""``jobwire schedule`` as a user runs it, with ``--json`` for scripts: a real API process, a
real worker with the built-in job types, Temporal and Redis."""

from __future__ import annotations

import pytest

from tests.e2e.cli.test_cli_commands import EXAMPLES, clean
from tests.helpers import assert_eventually
from tests.support.cli_stack import CliStack

pytestmark = pytest.mark.e2e


async def test_a_schedule_round_trips_through_the_cli(cli_stack: CliStack) -> None:
    spec = EXAMPLES / "analysis.json"
    created = clean(
        await cli_stack.cli(
            "schedule", "create", "--file", str(spec), "--every", "3600", "--note", "hourly",
            "--json",
        )
    ).json()  # fmt: skip
    sid = created["schedule_id"]
    assert created["interval_seconds"] == 3600 and created["type"] == "analysis"
    assert created["note"] == "hourly" and created["paused"] is False

    listed = clean(await cli_stack.cli("schedule", "ls", "--json")).json()
    assert [item["schedule_id"] for item in listed["items"]] == [sid]
    human = clean(await cli_stack.cli("schedule", "ls"))
    assert sid in human.stdout and "every 3600 s" in human.stdout

    clean(await cli_stack.cli("schedule", "trigger", sid, "--json"))

    async def run_job() -> str | None:
        shown = clean(await cli_stack.cli("schedule", "show", sid, "--json")).json()
        return shown["recent_runs"][-1]["job_id"] if shown["recent_runs"] else None

    job_id = await assert_eventually(run_job, timeout=60)
    job = clean(await cli_stack.cli("show", job_id, "--json")).json()
    assert job["schedule_id"] == sid and job["user_id"] == cli_stack.user("alice")

    paused = clean(await cli_stack.cli("schedule", "pause", sid, "-r", "quiet", "--json")).json()
    assert paused["paused"] is True and "quiet" in paused["state_note"]
    unpaused = clean(await cli_stack.cli("schedule", "unpause", sid, "--json")).json()
    assert unpaused["paused"] is False
    shown = clean(await cli_stack.cli("schedule", "show", sid))
    assert "every 3600 s" in shown.stdout and job_id in shown.stdout

    assert clean(await cli_stack.cli("schedule", "rm", sid, "--json")).json() == {"deleted": sid}
    missing = await cli_stack.cli("schedule", "show", sid, "--json")
    assert missing.code == 5, missing.output
    refused = await cli_stack.cli("schedule", "create", "--file", str(spec), "--every", "5")
    assert refused.code == 2 and "interval_seconds" in refused.stderr, refused.output
