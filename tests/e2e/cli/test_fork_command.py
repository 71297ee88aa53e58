"""``jobwire fork`` as a user runs it: against a real API process and worker, in human and
``--json`` form, with a spec file, and refused with the exit codes scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cli.test_cli_commands import JOB_ID, QUICK_TRADE, clean
from tests.support.cli_stack import CliStack

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(420)  # eight CLI processes, each a Python start on a shared machine
async def test_fork_a_finished_trade_from_a_phase(cli_stack: CliStack, tmp_path: Path) -> None:
    source = clean(await cli_stack.cli("submit", "trade", *QUICK_TRADE, "--json")).json()
    job_id = source["job_id"]
    clean(await cli_stack.cli("watch", job_id))

    forked = clean(await cli_stack.cli("fork", job_id, "--from-phase", "settle", "--json")).json()
    assert forked["job_id"] != job_id
    assert forked["forked_from"] == {"job_id": job_id, "phase": "settle"}

    amended = tmp_path / "amended.json"
    amended.write_text(json.dumps({"duration_seconds": 0.5}))
    watched = clean(
        await cli_stack.cli(
            "fork", job_id, "--from-phase", "execute", "--spec-file", str(amended), "--watch"
        )
    )
    assert "forked as job-" in watched.stdout and "completed" in watched.stdout
    new_id = next(found for found in JOB_ID.findall(watched.stdout) if found != job_id)
    shown = clean(await cli_stack.cli("show", new_id))
    assert "forked from" in shown.stdout and f"{job_id} at execute" in shown.stdout
    assert '"duration_seconds": 0.5' in shown.stdout, "the spec file amended the spec"

    unknown = clean(await cli_stack.cli("fork", job_id, "--from-phase", "nowhere", "--json"), 2)
    problem = json.loads(unknown.stderr)
    assert problem["status"] == 422 and problem["errors"][0]["field"] == "from_phase"
    other = clean(await cli_stack.cli("fork", job_id, "--from-phase", "settle", user="mallory"), 5)
    assert "not found" in other.stderr.lower()
    missing = clean(await cli_stack.cli("fork", job_id), 2)
    assert "--from-phase" in missing.stderr


async def test_fork_refuses_a_running_job(cli_stack: CliStack) -> None:
    slow = ["--symbol", "ACME", "--side", "buy", "--quantity", "1000", "--slices", "40",
            "--duration-seconds", "40"]  # fmt: skip
    job_id = clean(await cli_stack.cli("submit", "trade", *slow, "--json")).json()["job_id"]
    refused = clean(await cli_stack.cli("fork", job_id, "--from-phase", "execute", "--json"), 6)
    assert json.loads(refused.stderr)["status"] == 409
    clean(await cli_stack.cli("cancel", job_id, "--json"))
