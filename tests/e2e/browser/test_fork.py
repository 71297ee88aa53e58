"""Forking from a job's page: "Fork from…" on an ended job opens a phase picker, the fork
opens the new job's page, which links back to its source and runs only the phases it did not
reuse; a failed job offers the phases up to the one that failed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, open_job, shot, sign_in, state_badge
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e


async def test_a_completed_job_is_forked_from_its_page(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    source = await stack.create("alice", example("trade") | {"slices": 3, "duration_seconds": 1})
    await stack.wait_for_state("alice", source.job_id, JobState.COMPLETED)
    await open_job(page, stack, source.job_id)
    await expect(state_badge(page)).to_have_text("completed")

    fork = page.locator('button[data-action="fork"]')
    await expect(fork).to_be_enabled()
    await expect(page.get_by_test_id("fork-panel")).to_be_hidden()
    await fork.click()
    picker = page.get_by_test_id("fork-phase")
    await expect(picker.locator("option")).to_have_text(["check", "execute", "settle"])
    await expect(page.get_by_test_id("fork-from-checkpoint")).to_be_hidden()
    await picker.select_option("settle")
    await shot(page, artifacts / "job-fork-picker.png")
    await page.get_by_test_id("fork-submit").click()

    article = page.locator("article.job-page")
    await expect(article).not_to_have_attribute("data-job-id", source.job_id)
    forked_id = await article.get_attribute("data-job-id")
    assert forked_id and forked_id != source.job_id
    await expect(page).to_have_url(re.compile(f"#/jobs/{forked_id}$"))
    await expect(state_badge(page)).to_have_text("completed")
    origin = page.get_by_test_id("job-forked-from")
    await expect(origin).to_have_text(f"{source.job_id} at settle")
    await expect(origin.get_by_role("link")).to_have_attribute("href", f"#/jobs/{source.job_id}")
    reused = page.get_by_test_id("log").locator("li .message", has_text="reused")
    await expect(reused).to_have_text(
        [f"reused check from {source.job_id}", f"reused execute from {source.job_id}"]
    )
    forked = await stack.record("alice", forked_id)
    assert forked.forked_from is not None and forked.forked_from.phase == "settle"
    assert forked.result is not None and source.spec["quantity"] == "1200"
    assert forked.result["filled_quantity"] == "1200", "settle found the source's orders"

    await origin.get_by_role("link").click()
    await expect(page.locator(f'article.job-page[data-job-id="{source.job_id}"]')).to_be_visible()


async def test_a_failed_job_offers_the_phases_up_to_its_failure(
    page: Page, stack: ConsoleStack
) -> None:
    await sign_in(page, stack, "alice")
    spec = example("trade") | {"quantity": "1000000", "slices": 2}
    failed = await stack.create("alice", spec)
    await stack.wait_for_state("alice", failed.job_id, JobState.FAILED)
    await open_job(page, stack, failed.job_id)
    await expect(state_badge(page)).to_have_text("failed")

    await page.locator('button[data-action="fork"]').click()
    await expect(page.get_by_test_id("fork-phase").locator("option")).to_have_text(["check"])
