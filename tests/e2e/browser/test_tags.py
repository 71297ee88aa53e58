"""Names and tags in the console: given at submit, found from the search box (kept in the
URL), and a filtered set cancelled in one bulk action, each row changing live."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, field, shot, sign_in
from tests.e2e.browser.stack import ConsoleStack
from tests.e2e.browser.test_job_page import slow_trade

pytestmark = pytest.mark.e2e


async def search(page: Page, text: str) -> None:
    box = page.get_by_label("Search")
    await box.fill(text)
    await box.press("Enter")


async def test_a_name_and_a_tag_given_at_submit_show_in_the_list(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    await page.goto(stack.base_url + "/#/submit/analysis")
    await expect(page.locator('form[data-job-type="analysis"]')).to_be_visible()
    await field(page, "name").fill("quarterly close")
    await field(page, "tags").fill("nightly\nteam:risk")
    await page.get_by_role("button", name="Submit analysis job").click()
    await expect(page).to_have_url(re.compile(r"#/jobs/job-[0-9a-f-]+$"))
    job_id = page.url.rsplit("/", 1)[1]
    labels = page.get_by_test_id("job-labels")
    await expect(labels.locator(".job-name")).to_have_text("quarterly close")
    await expect(labels.locator(".tag")).to_have_text(["nightly", "team:risk"])
    record = await stack.record("alice", job_id)
    assert (record.name, record.tags) == ("quarterly close", ["nightly", "team:risk"])

    await page.goto(stack.base_url + "/#/jobs")
    row = page.locator(f'tr[data-job-id="{job_id}"]')
    await expect(row.locator(".job-name")).to_have_text("quarterly close")
    await expect(row.locator(".tag")).to_have_text(["nightly", "team:risk"])
    await shot(page, artifacts / "job-list-tags.png")


async def test_a_job_is_found_by_tag_and_by_name_from_the_search_box(
    page: Page, stack: ConsoleStack
) -> None:
    alpha = await stack.create(
        "alice", example("analysis") | {"name": "alpha run", "tags": ["nightly"]}
    )
    beta = await stack.create(
        "alice", example("analysis") | {"name": "beta run", "tags": ["nightly"]}
    )
    other = await stack.create("alice", example("analysis") | {"name": "gamma"})
    for job in (alpha, beta, other):
        await stack.wait_for_state("alice", job.job_id, JobState.COMPLETED)
    await sign_in(page, stack, "alice")
    rows = page.locator("tbody tr[data-job-id]")
    await expect(rows).to_have_count(3)

    await search(page, "tag:nightly")
    await expect(page).to_have_url(re.compile(r"#/jobs\?q=tag%3Anightly$"))
    await expect(rows).to_have_count(2)
    ids = set(await rows.evaluate_all("rs => rs.map(r => r.dataset.jobId)"))
    assert ids == {alpha.job_id, beta.job_id}

    await search(page, "beta")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-job-id", beta.job_id)

    # The filtered view is a bookmark: opening its URL afresh shows the same rows.
    await page.goto(stack.base_url + "/#/jobs?q=tag%3Anightly+alpha")
    await page.reload()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-job-id", alpha.job_id)
    await expect(page.get_by_label("Search")).to_have_value("tag:nightly alpha")


async def test_a_filtered_set_is_cancelled_in_one_bulk_action_and_each_row_changes_live(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    nightly = [
        await stack.create("alice", slow_trade(slices=40, seconds=60) | {"tags": ["nightly"]})
        for _ in range(2)
    ]
    untouched = await stack.create("alice", slow_trade(slices=40, seconds=60))
    await sign_in(page, stack, "alice")
    await search(page, "tag:nightly")
    rows = page.locator("tbody tr[data-job-id]")
    await expect(rows).to_have_count(2)

    await page.get_by_label("every job matching the filters").check()
    await page.locator('[data-bulk="cancel"]').click()
    await expect(page.get_by_test_id("bulk-result")).to_have_text("cancel: 2 done")
    for job in nightly:
        badge = page.locator(f'tr[data-job-id="{job.job_id}"] .badge')
        await expect(badge).to_have_text("cancelled")
    await shot(page, artifacts / "job-list-bulk-cancel.png")
    assert (await stack.record("alice", untouched.job_id)).state is not JobState.CANCELLED

    # Ticked rows act by id: the untagged job, cancelled from the unfiltered list.
    await search(page, "")
    row = page.locator(f'tr[data-job-id="{untouched.job_id}"]')
    await row.locator('input[type="checkbox"]').check()
    await expect(page.get_by_test_id("bulk-count")).to_have_text("1 selected")
    await page.locator('[data-bulk="cancel"]').click()
    await expect(row.locator(".badge")).to_have_text("cancelled")
