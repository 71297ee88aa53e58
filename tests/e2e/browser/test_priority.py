"""A job's priority through the console: the generated form offers it, the API's bound comes
back beside the field, and the job page shows the priority the job runs with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser.console import field, field_error, shot, sign_in
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e


async def test_a_priority_is_chosen_in_the_form_and_shown_on_the_job_page(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="New job").click()
    await page.get_by_role("link", name="analysis", exact=True).click()
    await expect(field(page, "priority")).to_have_value("3")

    await field(page, "priority").fill("6")
    await page.get_by_role("button", name="Submit analysis job").click()
    await expect(field_error(page, "priority")).to_contain_text("less than or equal to 5")

    await field(page, "priority").fill("4")
    await page.get_by_role("button", name="Submit analysis job").click()
    await expect(page).to_have_url(re.compile(r"#/jobs/job-[0-9a-f-]+$"))
    await expect(page.get_by_test_id("job-priority")).to_have_text("4 · runs later")
    await shot(page, artifacts / "job-priority.png")
