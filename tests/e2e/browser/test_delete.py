"""Deleting an ended job from the console: asked first, then gone from the page, the list and
the API; a running job's page offers no delete."""

from __future__ import annotations

import pytest
from playwright.async_api import Dialog, Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, open_job, sign_in
from tests.e2e.browser.stack import ConsoleStack
from tests.e2e.browser.test_job_page import slow_trade
from tests.helpers import assert_eventually

pytestmark = pytest.mark.e2e


async def test_an_ended_job_is_deleted_from_its_page_and_its_row_after_confirming(
    page: Page, stack: ConsoleStack
) -> None:
    from_page = await stack.create("alice", example("research"))
    from_row = await stack.create("alice", example("research"))
    running = await stack.create("alice", slow_trade(slices=40, seconds=60))
    for job in (from_page, from_row):
        await stack.wait_for_state("alice", job.job_id, JobState.COMPLETED)
    await stack.wait_for_state("alice", running.job_id, JobState.RUNNING)
    await sign_in(page, stack, "alice")
    prompts: list[str] = []

    async def accept(dialog: Dialog) -> None:
        prompts.append(dialog.message)
        await dialog.accept()

    page.on("dialog", accept)

    await open_job(page, stack, running.job_id)
    controls = page.get_by_role("group", name="Job controls")
    await expect(controls.get_by_role("button", name="Delete")).to_be_disabled()

    await open_job(page, stack, from_page.job_id)
    await controls.get_by_role("button", name="Delete").click()
    rows = page.locator("tbody tr[data-job-id]")
    await expect(page.locator(f'tr[data-job-id="{from_row.job_id}"]')).to_be_visible()
    await expect(page.locator(f'tr[data-job-id="{from_page.job_id}"]')).to_have_count(0)

    await page.get_by_role("button", name=f"Delete {from_row.job_id}").click()
    await expect(page.locator(f'tr[data-job-id="{from_row.job_id}"]')).to_have_count(0)
    await expect(rows).to_have_count(1)
    assert len(prompts) == 2 and all("cannot be undone" in p for p in prompts)

    async def gone() -> bool:
        async with stack.client("alice") as http:
            for job in (from_page, from_row):
                if (await http.get(f"/api/jobs/{job.job_id}")).status_code != 404:
                    return False
        return True

    await assert_eventually(gone, timeout=120, interval=1)
    async with stack.client("alice") as http:
        await http.post(f"/api/jobs/{running.job_id}/cancel")
