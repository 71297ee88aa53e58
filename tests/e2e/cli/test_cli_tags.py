"""Names and tags from the command line: ``submit --name --tags``, ``ls`` with filters and
``cancel --tag``, each as a script reads them with ``--json``."""

from __future__ import annotations

import pytest

from jobwire.contract.filters import JobFilter
from jobwire.contract.states import JobAction
from tests.e2e.cli.test_cli_commands import clean
from tests.helpers import assert_eventually
from tests.support.cli_stack import CliStack

pytestmark = pytest.mark.e2e

SLOW_TRADE = [
    "--symbol", "ACME", "--side", "buy", "--quantity", "1200", "--slices", "12",
    "--strategy", "vwap", "--duration-seconds", "120",
]  # fmt: skip
SLOW_SPEC = {
    "type": "trade", "symbol": "ACME", "side": "buy", "quantity": "1200", "slices": 12,
    "strategy": "vwap", "duration_seconds": 120,
}  # fmt: skip


async def test_ls_filters_and_cancel_by_tag_with_json(cli_stack: CliStack) -> None:
    user = cli_stack.user("alice")
    first = clean(
        await cli_stack.cli(
            "submit", "trade", *SLOW_TRADE, "--name", "nightly 1", "--tags", "nightly", "--json"
        )
    ).json()  # fmt: skip
    assert first["name"] == "nightly 1" and first["tags"] == ["nightly"]
    assert first["summary"] == "buy 1200 ACME by VWAP in 12 slices"
    second, _ = await cli_stack.jobs.submit(
        user, {**SLOW_SPEC, "name": "nightly 2", "tags": ["nightly"]}
    )
    other, _ = await cli_stack.jobs.submit(user, SLOW_SPEC)
    nightly = {first["job_id"], second.job_id}

    async def visible() -> bool:
        page = await cli_stack.jobs.list(user, job_filter=JobFilter(type="trade"))
        return len(page.items) == 3

    await assert_eventually(visible, timeout=60, message="the jobs never reached visibility")
    tagged = clean(await cli_stack.cli("ls", "--tag", "nightly", "--json")).json()["items"]
    assert {item["job_id"] for item in tagged} == nightly
    named = clean(await cli_stack.cli("ls", "--name", "nightly 2", "--json")).json()["items"]
    assert [item["job_id"] for item in named] == [second.job_id]
    recent = clean(await cli_stack.cli("ls", "--type", "trade", "--since", "10m", "--json"))
    assert len(recent.json()["items"]) == 3
    human = clean(await cli_stack.cli("ls", "--tag", "nightly"))
    assert "nightly 1" in human.stdout and "nightly 2" in human.stdout

    answer = clean(await cli_stack.cli("cancel", "--tag", "nightly", "--json")).json()
    outcomes = {item["job_id"]: item["outcome"] for item in answer["results"]}
    assert outcomes == dict.fromkeys(nightly, "done")
    again = clean(await cli_stack.cli("cancel", "--tag", "nightly", "--json"), code=6).json()
    assert {item["outcome"] for item in again["results"]} == {"not_allowed"}
    still = await cli_stack.jobs.get(user, other.job_id)
    assert still.state.is_active, "an untagged job was cancelled"
    await cli_stack.jobs.control(user, other.job_id, JobAction.CANCEL)


async def test_bad_filter_flags_are_usage_errors(cli_stack: CliStack) -> None:
    clean(await cli_stack.cli("ls", "--since", "yesterday"), code=2)
    clean(await cli_stack.cli("ls", "--tag", "no spaces"), code=2)
    clean(await cli_stack.cli("cancel"), code=2)
    clean(await cli_stack.cli("cancel", "job-x", "--tag", "nightly"), code=2)
