"""The client library's ``watch`` against a real API process that is killed and started again:
each event once, in order, and the user's jobs that started meanwhile taken in after the
reconnect, as a desktop status bar needs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bench.support.processes import ROOT
from jobwire.auth.tokens import issue_token
from jobwire.client.http import JobwireClient
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.states import JobAction
from tests.helpers import assert_eventually
from tests.support.cli_stack import CliStack

pytestmark = pytest.mark.integration


def slow_trade(quantity: int = 2000) -> dict[str, object]:
    return {
        "type": "trade",
        "symbol": "ACME",
        "side": "buy",
        "quantity": str(quantity),
        "slices": 16,
        "duration_seconds": 8,
    }


async def test_a_status_bar_watch_survives_an_api_restart_and_takes_in_new_jobs(
    cli_stack: CliStack,
) -> None:
    user = cli_stack.user("alice")
    client = JobwireClient(cli_stack.api_url, issue_token(cli_stack.settings, user))
    seen: dict[str, list[JobEvent]] = {}
    async with client:
        first = await client.submit(slow_trade())
        watch = client.watch()  # no ids: every unfinished job of the user, as a status bar
        finished: set[str] = set()
        restarted = False
        later_id = ""

        async def follow() -> None:
            nonlocal restarted, later_id
            async for event in watch:
                seen.setdefault(event.job_id, []).append(event)
                if event.type is EventType.COMPLETED:
                    finished.add(event.job_id)
                if not restarted and len(seen.get(first.job_id, [])) >= 3:
                    restarted = True
                    await cli_stack.api.kill()
                    later_id = await start_held_job(cli_stack, user)
                    await cli_stack.restart_api()
                if event.job_id == later_id and len(seen[later_id]) == 1:
                    # the watch has taken the new job in: let it run to its end
                    await cli_stack.jobs.control(user, later_id, JobAction.RESUME)
                if later_id and {first.job_id, later_id} <= finished:
                    return

        try:
            await asyncio.wait_for(follow(), 180)
        finally:
            await watch.aclose()
    assert watch.reconnects >= 1, "the watch went through a reconnect"
    for job_id in (first.job_id, later_id):
        numbers = [event.seq for event in seen[job_id]]
        assert numbers == list(range(1, len(numbers) + 1)), (job_id, numbers)
        assert seen[job_id][-1].type is EventType.COMPLETED
    assert seen[later_id][0].type is EventType.CREATED, "the new job from its first event"


async def start_held_job(cli_stack: CliStack, user: str) -> str:
    """A job started while no API is up, so only Temporal knows of it, and paused at once:
    however long the API takes to come back, it is still unfinished when the watch lists the
    user's jobs after its reconnect (a short job could otherwise end unseen in between)."""
    later, _ = await cli_stack.jobs.submit(user, slow_trade(500))
    await cli_stack.jobs.control(user, later.job_id, JobAction.PAUSE)
    return later.job_id


def readme_python(heading: str) -> str:
    """The first Python example under ``heading`` in the README, as a user would copy it."""
    section = (ROOT / "README.md").read_text().split(heading, 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


async def test_the_readmes_client_example_runs_as_written(
    cli_stack: CliStack, capsys: pytest.CaptureFixture[str]
) -> None:
    code = readme_python("## Driving jobs from a terminal or a script")
    code = code.replace('"http://127.0.0.1:8000"', repr(cli_stack.api_url))
    body = "".join(f"    {line}\n" for line in code.splitlines())
    namespace: dict[str, object] = {}
    exec(f"async def example(token):\n{body}", namespace)
    token = issue_token(cli_stack.settings, cli_stack.user("alice"))
    await asyncio.wait_for(namespace["example"](token), 120)  # type: ignore[operator]
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("1 job.created")
    assert printed[-1].split()[1] == "job.completed"


async def test_the_readmes_socketio_example_gets_every_event_in_order_across_an_api_restart(
    cli_stack: CliStack, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace: dict[str, Any] = {}
    exec(readme_python("### From any Socket.IO client"), namespace)
    user = cli_stack.user("alice")
    token = issue_token(cli_stack.settings, user)
    job, _ = await cli_stack.jobs.submit(user, slow_trade())
    following = asyncio.create_task(namespace["follow"](cli_stack.api_url, token, job.job_id))

    async def printed() -> list[str]:
        return capsys.readouterr().out.splitlines()

    lines = await assert_eventually(printed, timeout=60, message="the example printed nothing")
    await cli_stack.api.kill()
    await cli_stack.restart_api()
    await asyncio.wait_for(following, 120)
    lines += capsys.readouterr().out.splitlines()
    numbers = [int(line.split()[0]) for line in lines]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert lines[-1].split()[1] == "job.completed"
