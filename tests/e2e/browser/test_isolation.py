"""Another user's job cannot be opened: the console shows the same "not found" as for a job
that does not exist, and keeps showing it while that job runs and finishes."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, sign_in
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e


async def not_found_text(page: Page, stack: ConsoleStack, job_id: str) -> str:
    await page.goto(f"{stack.base_url}/#/jobs/{job_id}")
    await expect(page.get_by_role("heading", name="Job not found")).to_be_visible()
    await expect(page.get_by_role("alert")).to_have_text(f"There is no job {job_id} among yours.")
    text: str = await page.locator("#main").inner_text()
    return text.replace(job_id, "<id>")


async def test_another_users_job_shows_not_found_like_a_job_that_does_not_exist(
    page: Page, stack: ConsoleStack
) -> None:
    bobs = await stack.create("bob", example("trade"))
    await sign_in(page, stack, "alice")

    shown = await not_found_text(page, stack, bobs.job_id)
    assert shown == await not_found_text(page, stack, f"job-{uuid.uuid4()}")

    await page.goto(f"{stack.base_url}/#/jobs/{bobs.job_id}")
    await expect(page.get_by_role("heading", name="Job not found")).to_be_visible()
    await stack.wait_for_state("bob", bobs.job_id, JobState.COMPLETED)
    # Bob's job ran to its end meanwhile; nothing of it reached Alice's page.
    await expect(page.get_by_role("heading", name="Job not found")).to_be_visible()
    await expect(page.locator("article.job-page")).to_have_count(0)
    await expect(page.get_by_test_id("running-count")).to_have_text("0 running")

    await page.get_by_role("link", name="Back to your jobs").click()
    await expect(page.get_by_role("heading", name="Jobs")).to_be_visible()
    await expect(page.locator("tr[data-job-id]")).to_have_count(0)
