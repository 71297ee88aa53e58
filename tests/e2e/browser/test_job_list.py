"""The job list: the user's jobs in the API's order, a new job appearing and moving live,
and the filters on type and state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, shot, sign_in
from tests.e2e.browser.stack import ConsoleStack
from tests.e2e.browser.test_job_page import slow_trade

pytestmark = pytest.mark.e2e


async def listed_ids(stack: ConsoleStack, query: str = "") -> list[str]:
    async with stack.client("alice") as http:
        response = await http.get(f"/api/jobs{query}")
    assert response.status_code == 200, response.text
    return [item["job_id"] for item in response.json()["items"]]


async def test_the_job_list_follows_the_api_and_a_running_job_moves_live(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    done = [await stack.create("alice", example(name)) for name in ("analysis", "research")]
    for job in done:
        await stack.wait_for_state("alice", job.job_id, JobState.COMPLETED)
    await sign_in(page, stack, "alice")
    rows = page.locator("tbody tr[data-job-id]")
    await expect(rows).to_have_count(2)
    assert await rows.evaluate_all("rs => rs.map(r => r.dataset.jobId)") == await listed_ids(stack)

    # A job submitted elsewhere (a script, the CLI) shows up on top and moves without a reload.
    running = await stack.create("alice", slow_trade(slices=12, seconds=8))
    await expect(rows.first).to_have_attribute("data-job-id", running.job_id)
    row = page.locator(f'tr[data-job-id="{running.job_id}"]')
    await expect(row.locator(".pct")).to_have_text(re.compile(r"^([1-9]|[1-9]\d)\.\d%$"))
    await expect(row.locator(".badge")).to_have_text("running")
    await expect(page.get_by_test_id("running-count")).to_have_text("1 running")
    await shot(page, artifacts / "job-list.png")
    await expect(row.locator(".badge")).to_have_text("completed")
    await expect(row.locator(".pct")).to_have_text("100.0%")

    await page.get_by_label("Type").select_option("trade")
    await expect(page).to_have_url(re.compile(r"#/jobs\?type=trade$"))
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-job-id", running.job_id)

    await page.get_by_label("Type").select_option("")
    await page.get_by_label("State").select_option("completed")
    await expect(rows).to_have_count(3)
    shown = await rows.evaluate_all("rs => rs.map(r => r.dataset.jobId)")
    assert shown == await listed_ids(stack, "?state=completed")
