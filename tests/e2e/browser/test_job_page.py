"""The activity panel of one job, followed live: progress, steps, timeline and log as the API
records them, the status bar's counts, and pause and resume from the checkpoint."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect
from redis.asyncio import Redis

from activities.trade.paper import fills_key
from jobwire.contract.states import JobState
from tests.e2e.browser.console import (
    example,
    log_lines,
    logs_of,
    open_job,
    progress_value,
    shot,
    sign_in,
    state_badge,
    timeline_of,
    timeline_seqs,
)
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e

INTERMEDIATE = re.compile(r"^([1-9]|[1-9]\d)\.\d$")
"""An aria-valuenow strictly between 0 and 100."""


def slow_trade(slices: int, seconds: float) -> dict[str, Any]:
    """The example trade, worked in more slices over more time, so there is time to watch."""
    return example("trade") | {"slices": slices, "duration_seconds": seconds}


async def assert_page_matches_the_api(page: Page, stack: ConsoleStack, job_id: str) -> None:
    """The page's timeline and log hold exactly the events `GET /events` lists: none lost,
    none twice, in order; and the page applied every event once."""
    events = await stack.events("alice", job_id)
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1))
    await expect(page.get_by_test_id("event-count")).to_have_text(
        f"{len(events)} received, last #{seqs[-1]}"
    )
    assert await timeline_seqs(page) == timeline_of(events)
    assert await log_lines(page) == logs_of(events)
    await expect(page.get_by_test_id("timeline").locator("li.lost")).to_have_count(0)


async def test_a_job_is_followed_live_to_its_rendered_result(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    job = await stack.create("alice", slow_trade(slices=12, seconds=8))
    await open_job(page, stack, job.job_id)

    # Running: the bar moves, the step names the slice, the current phase is marked.
    progress = page.get_by_role("progressbar", name="Job progress")
    await expect(progress).to_have_attribute("aria-valuenow", INTERMEDIATE)
    await expect(state_badge(page)).to_have_text("running")
    await expect(page.get_by_test_id("job-step")).to_have_text(re.compile(r"^slice \d+ of 12$"))
    await expect(page.locator(".phase[aria-current=step]")).to_have_text("execute")
    await expect(page.get_by_test_id("checkpoint")).to_contain_text(
        re.compile(r"execute: slice \d+ of 12")
    )
    await expect(page.get_by_test_id("running-count")).to_have_text("1 running")
    latest = page.get_by_test_id("latest")
    await expect(latest.get_by_role("link")).to_have_attribute("href", f"#/jobs/{job.job_id}")
    await shot(page, artifacts / "job-running.png")

    await expect(state_badge(page)).to_have_text("completed")
    assert await progress_value(page) == 100.0
    await expect(page.get_by_test_id("job-progress")).to_have_text("100.0%")
    await expect(page.locator(".phase")).to_have_count(3)
    await expect(page.locator(".phase.phase-done")).to_have_count(3)
    await expect(page.get_by_test_id("running-count")).to_have_text("0 running")
    await expect(latest).to_contain_text("no active job")
    record = await stack.wait_for_state("alice", job.job_id, JobState.COMPLETED)
    await expect(page.get_by_test_id("job-finished")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d "))
    assert record.result is not None
    await expect(page.locator(".result-trade tbody tr").first).to_be_visible()
    await assert_page_matches_the_api(page, stack, job.job_id)
    buttons = page.get_by_role("group", name="Job controls")
    for action in ("Pause", "Resume", "Cancel"):
        await expect(buttons.get_by_role("button", name=action)).to_be_disabled()
    await expect(buttons.get_by_role("button", name="Restart")).to_be_enabled()
    temporal = page.get_by_role("link", name=re.compile("Open in Temporal UI"))
    await expect(temporal).to_have_attribute(
        "href", f"http://127.0.0.1:8233/namespaces/default/workflows/{job.job_id}"
    )


async def test_a_paused_job_resumes_from_its_checkpoint_and_fills_each_slice_once(
    page: Page, stack: ConsoleStack, redis: Redis, artifacts: Path
) -> None:
    slices = 16
    await sign_in(page, stack, "alice")
    job = await stack.create("alice", slow_trade(slices=slices, seconds=16))
    await open_job(page, stack, job.job_id)
    checkpoint = page.get_by_test_id("checkpoint")
    await expect(checkpoint).to_contain_text(re.compile(rf"execute: slice ([3-9]|1\d) of {slices}"))

    controls = page.get_by_role("group", name="Job controls")
    await controls.get_by_role("button", name="Pause").click()
    await expect(state_badge(page)).to_have_text("paused")
    await expect(controls.get_by_role("button", name="Resume")).to_be_enabled()
    await expect(controls.get_by_role("button", name="Pause")).to_be_disabled()
    await expect(page.get_by_test_id("job-step")).to_have_text(re.compile(r"^Paused: slice \d+"))
    await expect(page.get_by_test_id("paused-count")).to_have_text("1 paused")
    await expect(page.get_by_test_id("running-count")).to_have_text("0 running")
    paused = await stack.wait_for_state("alice", job.job_id, JobState.PAUSED)
    assert paused.checkpoint is not None
    position = paused.checkpoint.position
    matched = re.fullmatch(rf"slice (\d+) of {slices}", position)
    assert matched is not None, position
    done = int(matched.group(1))
    assert done < slices, "the trade finished before the pause reached it"
    await expect(checkpoint).to_contain_text(f"execute: {position}")
    await shot(page, artifacts / "job-paused.png")

    await controls.get_by_role("button", name="Resume").click()
    await expect(state_badge(page)).to_have_text(re.compile("running|completed"))
    await expect(page.get_by_test_id("paused-count")).to_have_text("0 paused")
    await expect(state_badge(page)).to_have_text("completed")
    await stack.wait_for_state("alice", job.job_id, JobState.COMPLETED)

    events = await stack.events("alice", job.job_id)
    kinds = [e["type"] for e in events]
    resumed_at = kinds.index("job.resumed")
    assert kinds.index("job.paused") < resumed_at
    after = [
        e["data"]["done"]
        for e in events[resumed_at:]
        if e["type"] == "job.progress" and e["data"].get("phase") == "execute"
    ]
    assert after[0] == done + 1, f"resumed at slice {after[0]}, paused after {done}"
    fills = await redis.lrange(fills_key(job.job_id), 0, -1)
    assert len(fills) == slices, "a slice filled twice or not at all"
    await expect(page.locator(".result-trade tbody tr").first).to_be_visible()
    timeline = page.get_by_test_id("timeline")
    await expect(timeline.locator(".tl-paused")).to_have_count(1)
    await expect(timeline.locator(".tl-resumed")).to_have_count(1)
    await assert_page_matches_the_api(page, stack, job.job_id)
