"""``jobwire schedule`` as a user runs it, with ``--json`` for scripts: a real API process, a
real worker with the built-in job types, Temporal and Redis."""

from __future__ import annotations

import pytest

from tests.e2e.cli.test_cli_commands import EXAMPLES, clean
from tests.helpers import assert_eventually
from tests.support.cli_stack import CliStack

pytestmark = pytest.mark.e2e

SPEC = EXAMPLES / "analysis.json"
SLOW_MACHINE = pytest.mark.timeout(360)
"""Each test starts an API process and runs about eight `jobwire` processes, each importing
the whole CLI: on a loaded two-core machine that alone can pass the default three minutes."""


async def created(cli_stack: CliStack, *flags: str) -> str:
    made = clean(
        await cli_stack.cli("schedule", "create", "--file", str(SPEC), *flags, "--json")
    ).json()
    assert made["type"] == "analysis" and made["paused"] is False
    return str(made["schedule_id"])


@SLOW_MACHINE
async def test_a_triggered_schedule_runs_a_job_of_the_user_that_names_it(
    cli_stack: CliStack,
) -> None:
    sid = await created(cli_stack, "--every", "3600", "--note", "hourly")
    listed = clean(await cli_stack.cli("schedule", "ls", "--json")).json()
    assert [item["schedule_id"] for item in listed["items"]] == [sid]
    assert listed["items"][0]["note"] == "hourly"
    assert clean(await cli_stack.cli("schedule", "--json")).json() == listed  # alone: ls
    human = clean(await cli_stack.cli("schedule", "ls"))
    assert sid in human.stdout and "every 3600 s" in human.stdout

    clean(await cli_stack.cli("schedule", "trigger", sid, "--json"))

    async def run_job() -> str | None:
        shown = clean(await cli_stack.cli("schedule", "show", sid, "--json")).json()
        return shown["recent_runs"][-1]["job_id"] if shown["recent_runs"] else None

    job_id = await assert_eventually(run_job, timeout=60)
    job = clean(await cli_stack.cli("show", job_id, "--json")).json()
    assert job["schedule_id"] == sid and job["user_id"] == cli_stack.user("alice")


@SLOW_MACHINE
async def test_a_schedule_pauses_unpauses_and_goes_and_a_bad_one_is_refused(
    cli_stack: CliStack,
) -> None:
    sid = await created(cli_stack, "--cron", "0 9 * * MON-FRI", "--tz", "Europe/Paris")
    paused = clean(await cli_stack.cli("schedule", "pause", sid, "-r", "quiet", "--json")).json()
    assert paused["paused"] is True and "quiet" in paused["state_note"]
    unpaused = clean(await cli_stack.cli("schedule", "unpause", sid, "--json")).json()
    assert unpaused["paused"] is False
    shown = clean(await cli_stack.cli("schedule", "show", sid))
    assert "cron 0 9 * * MON-FRI (Europe/Paris)" in shown.stdout and "active" in shown.stdout
    changed = clean(
        await cli_stack.cli("schedule", "update", sid, "--every", "7200", "--note", "2h", "--json")
    ).json()
    assert (changed["interval_seconds"], changed["cron"]) == (7200, None)
    assert changed["note"] == "2h" and changed["time_zone"] == "Europe/Paris", "the rest stays"
    too_often = await cli_stack.cli("schedule", "update", sid, "--every", "5")
    assert too_often.code == 2 and "interval_seconds" in too_often.stderr, too_often.output

    assert clean(await cli_stack.cli("schedule", "rm", sid, "--json")).json() == {"deleted": sid}
    missing = await cli_stack.cli("schedule", "show", sid, "--json")
    assert missing.code == 5, missing.output
    refused = await cli_stack.cli("schedule", "create", "--file", str(SPEC), "--every", "5")
    assert refused.code == 2 and "interval_seconds" in refused.stderr, refused.output
