"""The Schedules page: a schedule made over the API is listed with its timetable and next
runs; "Run now" starts a job of the user, listed under the schedule's recent runs, whose page
says which schedule it came from; pause and delete act on the schedule."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Dialog, Locator, Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, sign_in, state_badge
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
    # The page redraws its details (the link among them) as the job's last events arrive; a
    # click during a redraw can land on the old link. A person clicks once the page is done.
    await expect(state_badge(page)).to_have_text("completed")

    await page.get_by_test_id("job-schedule").get_by_role("link").click()
    await expect(page).to_have_url(re.compile(r"#/schedules$"))
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


async def test_a_schedule_is_created_refused_and_changed_from_its_form(
    page: Page, stack: ConsoleStack
) -> None:
    await sign_in(page, stack, "alice")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedules").click()
    await page.get_by_role("link", name="New schedule").click()
    await page.get_by_role("link", name="research", exact=True).click()
    await expect(page.get_by_role("heading", name="New research schedule")).to_be_visible()

    when = page.get_by_test_id("schedule-when")
    await when_field(page, "interval_seconds").fill("30")
    await when_field(page, "note").fill("from the console")
    await page.get_by_role("button", name="Create research schedule").click()
    error = when.locator('[data-field="interval_seconds"] .field-error')
    await expect(error).to_contain_text("at most every 60 s")
    async with stack.client("alice") as http:
        assert (await http.get("/api/schedules")).json()["items"] == [], "a refusal leaves none"

    await when_field(page, "interval_seconds").fill("7200")
    await page.get_by_role("button", name="Create research schedule").click()
    row = page.locator("tr[data-schedule-id]", has_text="from the console")
    await expect(row).to_contain_text("every 2 h")
    sid = await row.get_attribute("data-schedule-id")
    assert sid is not None

    await page.get_by_role("link", name=f"Edit {sid}").click()
    await expect(when_field(page, "note")).to_have_value("from the console")
    await when_field(page, "interval_seconds").fill("")
    await when_field(page, "cron").fill("30 9 * * 1-5")
    await when_field(page, "time_zone").fill("Europe/Paris")
    await page.get_by_role("button", name="Save schedule").click()
    await expect(page.locator(f'tr[data-schedule-id="{sid}"]')).to_contain_text(
        "cron 30 9 * * 1-5 (Europe/Paris)"
    )
    async with stack.client("alice") as http:
        saved = (await http.get(f"/api/schedules/{sid}")).json()
        assert (saved["cron"], saved["interval_seconds"]) == ("30 9 * * 1-5", None)
        assert saved["spec"]["question"] == example("research")["question"]
        assert saved["note"] == "from the console"


def when_field(page: Page, path: str) -> Locator:
    """An input of the schedule form's timetable half."""
    when = page.get_by_test_id("schedule-when")
    return when.locator(f'[data-field="{path}"]').locator("input, select, textarea")
