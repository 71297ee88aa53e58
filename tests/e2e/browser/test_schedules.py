"""The Schedules page: a schedule made over the API is listed with its timetable and next
runs; "Run now" starts a job of the user, listed under the schedule's recent runs, whose page
says which schedule it came from; pause and delete act on the schedule."""

from __future__ import annotations

import pytest
from playwright.async_api import Dialog, Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, sign_in
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e


async def test_a_schedule_is_listed_triggered_paused_and_deleted_from_the_console(
    page: Page, stack: ConsoleStack
) -> None:
    async with stack.client("alice") as http:
        body = {"spec": example("research"), "interval_seconds": 7200, "note": "morning brief"}
        created = await http.post("/api/schedules", json=body)
        assert created.status_code == 201, created.text
    sid = created.json()["schedule_id"]
    await sign_in(page, stack, "alice")
    page.on("dialog", _accept)

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedules").click()
    row = page.locator(f'tr[data-schedule-id="{sid}"]')
    await expect(row).to_contain_text("every 2 h")
    await expect(row).to_contain_text("morning brief")
    await expect(row.get_by_test_id("schedule-runs")).to_have_text("none yet")

    await page.get_by_role("button", name=f"Run now {sid}").click()
    run_link = page.locator(f'tr[data-schedule-id="{sid}"] [data-testid="schedule-runs"] a')
    await expect(run_link).to_have_count(1, timeout=60_000)
    job_id = await run_link.get_attribute("title")
    assert job_id is not None and job_id.startswith("job-")
    await run_link.click()
    await expect(page.locator(f'article.job-page[data-job-id="{job_id}"]')).to_be_visible()
    await expect(page.get_by_test_id("job-schedule")).to_have_text(sid)
    await stack.wait_for_state("alice", job_id, JobState.COMPLETED)

    await page.get_by_test_id("job-schedule").get_by_role("link").click()
    await page.get_by_role("button", name=f"Pause {sid}").click()
    await expect(row.get_by_test_id("schedule-state")).to_have_text("paused")
    await expect(page.get_by_role("button", name=f"Unpause {sid}")).to_be_visible()
    async with stack.client("alice") as http:
        assert (await http.get(f"/api/schedules/{sid}")).json()["paused"] is True

    await page.get_by_role("button", name=f"Delete {sid}").click()
    await expect(row).to_have_count(0)
    async with stack.client("alice") as http:
        assert (await http.get(f"/api/schedules/{sid}")).status_code == 404


async def _accept(dialog: Dialog) -> None:
    assert "The jobs it started stay" in dialog.message
    await dialog.accept()
