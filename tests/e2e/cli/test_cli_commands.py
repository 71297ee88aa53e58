"""The ``jobwire`` job commands as a user runs them: a real API process, a real worker with
the built-in job types, Temporal and Redis; every subcommand in human and ``--json`` form."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path

import pytest

from jobwire.contract.registry import job_types
from tests.support.cli_stack import CliResult, CliStack

pytestmark = pytest.mark.e2e

JOB_ID = re.compile(r"job-[0-9a-f]{8}-[0-9a-f-]{27}")
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

QUICK_TRADE = [
    "--symbol", "ACME", "--side", "buy", "--quantity", "300", "--slices", "3",
    "--duration-seconds", "1",
]  # fmt: skip


def clean(result: CliResult, code: int = 0) -> CliResult:
    assert result.code == code, result.output
    assert "Traceback" not in result.output
    return result


def every_seq_once(events: list[dict[str, object]]) -> None:
    numbers = [event["seq"] for event in events]
    assert numbers == list(range(1, len(numbers) + 1)), numbers


@pytest.mark.timeout(480)  # sixteen CLI processes: each start takes seconds on a busy machine
async def test_submit_each_job_type_then_read_it_back(cli_stack: CliStack) -> None:
    # research from a spec file, printed as JSON for a script
    research = clean(
        await cli_stack.cli("submit", "--file", str(EXAMPLES / "research.json"), "--json")
    ).json()
    assert research["type"] == "research" and research["job_id"].startswith("job-")

    # trade from typed flags, watched with the human view until it ends
    trade = clean(await cli_stack.cli("submit", "trade", *QUICK_TRADE, "--watch"))
    assert "submitted job-" in trade.stdout
    assert "finished" in trade.stdout and "completed" in trade.stdout
    trade_id = JOB_ID.findall(trade.stdout)[0]

    # analysis from stdin, watched as JSON Lines: every event once, in order, to the end
    spec = (EXAMPLES / "analysis.json").read_text()
    lines = clean(await cli_stack.cli("submit", "-f", "-", "-w", "--json", stdin=spec))
    events = lines.json_lines()
    assert {event["type"] for event in events} >= {"job.started", "job.completed"}
    every_seq_once(events)
    analysis_id = events[0]["job_id"]

    # show: the record as JSON, and the human page with the Temporal UI link
    shown = clean(await cli_stack.cli("show", analysis_id, "--json")).json()
    assert shown["state"] == "completed" and shown["result"]
    page = clean(await cli_stack.cli("show", trade_id)).stdout
    assert trade_id in page and "completed" in page and "trade" in page

    # watch a research job to its end (it was submitted first, it may be done already)
    watched = clean(await cli_stack.cli("watch", research["job_id"], "--json")).json_lines()
    every_seq_once(watched)
    assert watched[-1]["type"] == "job.completed"

    # several jobs at once, in the human view: one final line per job
    both = clean(await cli_stack.cli("watch", research["job_id"], trade_id)).stdout
    finals = [line for line in both.splitlines() if line.startswith("finished job-")]
    assert sorted(JOB_ID.findall(" ".join(finals))) == sorted([research["job_id"], trade_id])

    # ls, with filters, in both forms
    listed = clean(await cli_stack.cli("ls", "--json")).json()
    ids = [job["job_id"] for job in listed["items"]]
    assert sorted(ids) == sorted([research["job_id"], trade_id, analysis_id])
    only = clean(await cli_stack.cli("ls", "--type", "trade", "--state", "completed", "--json"))
    assert [job["job_id"] for job in only.json()["items"]] == [trade_id]
    table = clean(await cli_stack.cli("ls")).stdout
    assert all(job_id in table for job_id in ids)
    paged = clean(await cli_stack.cli("ls", "--limit", "1", "--all", "--json")).json()
    assert sorted(job["job_id"] for job in paged["items"]) == sorted(ids)

    # events: the same envelopes the socket sends, after --since
    replay = clean(await cli_stack.cli("events", analysis_id, "--json")).json()
    assert replay["events"] == events
    later = clean(await cli_stack.cli("events", analysis_id, "--since", "3", "--json")).json()
    assert [e["seq"] for e in later["events"]] == [e["seq"] for e in events[3:]]
    human = clean(await cli_stack.cli("events", analysis_id)).stdout
    assert "job.completed" in human or "completed" in human

    # stats: counted by state and type
    stats = clean(await cli_stack.cli("stats", "--json")).json()
    assert stats["by_state"]["completed"] == 3
    assert {name: stats["by_type"].get(name) for name in job_types.names()} == {
        "analysis": 1,
        "research": 1,
        "trade": 1,
    }
    assert "completed" in clean(await cli_stack.cli("stats")).stdout


async def test_control_commands_and_what_they_refuse(cli_stack: CliStack) -> None:
    slow = ["--symbol", "ACME", "--side", "sell", "--quantity", "1000", "--slices", "40",
            "--duration-seconds", "40"]  # fmt: skip
    job_id = clean(await cli_stack.cli("submit", "trade", *slow, "--json")).json()["job_id"]

    paused = clean(await cli_stack.cli("pause", job_id, "--json")).json()
    assert paused["job_id"] == job_id and paused["state"] in ("paused", "running")
    again = clean(await cli_stack.cli("resume", job_id), code=0)
    assert job_id in again.stdout

    # what a state does not allow is refused with the current state and exit code 6
    cancel = clean(await cli_stack.cli("cancel", job_id))
    assert job_id in cancel.stdout
    ended = clean(await cli_stack.cli("watch", job_id), code=4)
    assert "cancelled" in ended.stdout
    refused = clean(await cli_stack.cli("resume", job_id), code=6)
    assert "cancelled" in refused.stderr
    problem = clean(await cli_stack.cli("pause", job_id, "--json"), code=6)
    assert json.loads(problem.stderr)["status"] == 409

    # restart: a fresh run of the same spec, watched to its end
    fresh = clean(await cli_stack.cli("restart", job_id, "--json")).json()
    assert fresh["job_id"] != job_id and fresh["restarted_from"] == job_id
    clean(await cli_stack.cli("cancel", fresh["job_id"], "--json"))

    # another user's job looks like no job at all
    for command in ("show", "pause", "events"):
        other = clean(await cli_stack.cli(command, job_id, user="mallory"), code=5)
        assert "not found" in other.stderr.lower()


async def test_a_repeated_idempotency_key_says_the_job_was_already_submitted(
    cli_stack: CliStack,
) -> None:
    key = ["--idempotency-key", f"order-{uuid.uuid4()}"]
    first = clean(await cli_stack.cli("submit", "trade", *QUICK_TRADE, *key))
    again = clean(await cli_stack.cli("submit", "trade", *QUICK_TRADE, *key))
    job_id = JOB_ID.findall(first.stdout)[0]
    assert first.stdout.startswith(f"submitted {job_id}"), first.stdout
    assert again.stdout.startswith(f"already submitted {job_id}"), again.stdout


async def test_a_failed_job_makes_watch_exit_3(cli_stack: CliStack) -> None:
    rows = [{"close": 1.0 + n} for n in range(50)]
    bad_column = {"type": "analysis", "dataset": {"kind": "inline", "rows": rows}, "column": "x"}
    result = await cli_stack.cli("submit", "-f", "-", "--watch", stdin=json.dumps(bad_column))
    clean(result, code=3)
    assert "failed" in result.stdout


async def test_demo_runs_every_example_and_points_at_the_temporal_ui(
    cli_stack: CliStack,
) -> None:
    result = clean(await cli_stack.cli("demo"))
    for name in job_types.names():
        assert f"submitted {name}.json as" in result.stdout
    finished = [line for line in result.stdout.splitlines() if line.startswith("finished job-")]
    assert len(finished) == len(job_types.names())
    assert all(line.endswith("completed (100.0%)") for line in finished), finished
    links = result.stdout.split("The same jobs in the Temporal UI:", 1)[1]
    assert len(set(JOB_ID.findall(links))) == len(job_types.names())


async def test_watch_across_a_killed_and_restarted_api_loses_and_repeats_nothing(
    cli_stack: CliStack,
) -> None:
    slow = ["--symbol", "ACME", "--side", "buy", "--quantity", "2000", "--slices", "20",
            "--duration-seconds", "12"]  # fmt: skip
    job_id = clean(await cli_stack.cli("submit", "trade", *slow, "--json")).json()["job_id"]
    watch = await cli_stack.spawn("watch", job_id, "--json")
    assert watch.stdout is not None and watch.stderr is not None
    seen: list[dict[str, object]] = []
    while len(seen) < 3:
        line = await asyncio.wait_for(watch.stdout.readline(), 60)
        assert line, "watch ended before the API was killed"
        seen.append(json.loads(line))
    await cli_stack.restart_api()
    rest, errors = await asyncio.wait_for(watch.communicate(), 120)
    seen += [json.loads(line) for line in rest.decode().splitlines() if line.strip()]
    assert watch.returncode == 0, errors.decode()
    every_seq_once(seen)
    assert seen[-1]["type"] == "job.completed"
    stored = clean(await cli_stack.cli("events", job_id, "--json")).json()["events"]
    assert seen == stored, "what watch printed is exactly the job's feed"


async def test_bad_flags_and_specs_get_a_message_and_a_non_zero_exit(
    cli_stack: CliStack, tmp_path: Path
) -> None:
    unknown = clean(await cli_stack.cli("ls", "--colour"), code=2)
    assert "--colour" in unknown.stderr
    bad_value = clean(await cli_stack.cli("submit", "trade", *QUICK_TRADE[:4]), code=2)
    assert "quantity" in bad_value.stderr.lower()
    negative = clean(
        await cli_stack.cli("submit", "trade", *QUICK_TRADE[:4], "--quantity", "-5"), code=2
    )
    assert "quantity" in negative.stderr.lower()
    bad_state = clean(await cli_stack.cli("ls", "--state", "sleeping"), code=2)
    assert "sleeping" in bad_state.stderr

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    not_json = clean(await cli_stack.cli("submit", "--file", str(broken)), code=2)
    assert "not valid JSON" in not_json.stderr
    missing = clean(await cli_stack.cli("submit", "--file", str(tmp_path / "none.json")), code=2)
    assert "cannot read" in missing.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"type": "trade", "symbol": "ACME", "side": "hold"}))
    invalid = clean(await cli_stack.cli("submit", "--file", str(wrong)), code=2)
    assert "side" in invalid.stderr and "quantity" in invalid.stderr
    unknown_type = tmp_path / "unknown.json"
    unknown_type.write_text(json.dumps({"type": "teleport"}))
    clean(await cli_stack.cli("submit", "--file", str(unknown_type)), code=2)

    assert clean(await cli_stack.cli("ls", user=None), code=7).stderr
    forged = await cli_stack.cli("ls", "--token", "not-a-jwt")
    clean(forged, code=7)
    nowhere = await cli_stack.cli("ls", "--url", "http://127.0.0.1:9")
    assert "cannot reach" in clean(nowhere, code=8).stderr
    nothing = clean(await cli_stack.cli("show", "job-00000000-0000-0000-0000-000000000000"), 5)
    assert "not found" in nothing.stderr.lower()
    assert clean(await cli_stack.cli("ls", "--json")).json()["items"] == [], "nothing was made"
