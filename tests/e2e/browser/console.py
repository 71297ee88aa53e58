"""What a person does in the console, as Playwright steps, and what the tests read off a page.

Every wait is Playwright's polling ``expect`` (timeouts set in conftest), never a sleep.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Locator, Page, expect

from tests.e2e.browser.stack import ConsoleStack

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

TRANSITIONS = {
    "job.created",
    "job.started",
    "job.paused",
    "job.resumed",
    "job.recovered",
    "job.completed",
    "job.failed",
    "job.cancelled",
    "job.snapshot",
}


def example(name: str) -> dict[str, Any]:
    """The offline input of ``examples/<name>.json`` (inline text, generated prices)."""
    spec: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return spec


async def sign_in(page: Page, stack: ConsoleStack, user: str) -> None:
    """Pastes the user's token into the sign-in form, as a person would."""
    await page.goto(stack.base_url + "/")
    await page.get_by_label("Access token (JWT)").fill(stack.token(user))
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("user")).to_have_text(stack.user(user))
    await expect(page.get_by_test_id("connection")).to_have_text("live")


async def open_job(page: Page, stack: ConsoleStack, job_id: str) -> None:
    """Follows the job's link in the job list, as a person would."""
    await page.goto(stack.base_url + "/#/jobs")
    await page.locator(f'tr[data-job-id="{job_id}"] a').click()
    await expect(page.locator(f'article.job-page[data-job-id="{job_id}"]')).to_be_visible()


def field(page: Page, path: str) -> Locator:
    """The input of a generated form field, by its path in the spec."""
    return page.locator(f'[data-field="{path}"]').locator("input, select, textarea")


def field_error(page: Page, path: str) -> Locator:
    """The error slot the console puts beside a field."""
    return page.locator(f'[data-field="{path}"] .field-error')


def state_badge(page: Page) -> Locator:
    return page.get_by_test_id("job-state")


async def progress_value(page: Page) -> float:
    """The job page's progress bar as assistive technology reads it."""
    value = await page.get_by_role("progressbar", name="Job progress").get_attribute(
        "aria-valuenow"
    )
    assert value is not None
    return float(value)


async def timeline_seqs(page: Page) -> list[int]:
    items = page.get_by_test_id("timeline").locator("li[data-seq]")
    return [int(seq) for seq in await items.evaluate_all("els => els.map(e => e.dataset.seq)")]


async def log_lines(page: Page) -> list[str]:
    """The live log's messages, without their time and level."""
    texts: list[str] = await page.get_by_test_id("log").locator("li .message").all_inner_texts()
    return texts


def timeline_of(events: list[dict[str, Any]]) -> list[int]:
    """The seqs the timeline must show for these events: every state transition, and the
    first event of each phase (a new step of the job)."""
    seqs: list[int] = []
    phase: str | None = None
    for event in events:
        started = event["data"].get("phase")
        new_phase = isinstance(started, str) and started != phase
        if event["type"] in TRANSITIONS or new_phase:
            seqs.append(event["seq"])
        if isinstance(started, str):
            phase = started
    return seqs


def logs_of(events: list[dict[str, Any]]) -> list[str]:
    return [e["data"]["message"] for e in events if e["type"] == "job.log"]


async def shot(page: Page, path: Path) -> None:
    """A full-page screenshot for the test artifacts, from the top (where the sticky status
    bar belongs) and with no animation caught half way."""
    await page.evaluate("() => window.scrollTo(0, 0)")
    await page.screenshot(path=path, full_page=True, animations="disabled")
