"""The submit form's webhook, generated from the schema like every other field: a bad URL is
refused beside its input, an empty one sends none, and a filled one reaches the job, whose
record then says how its delivery went (the browser stack allows loopback addresses, for the
research stand-in, so a receiver on loopback gets it)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from jobwire.cli.devstack.ports import free_port
from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, field, field_error, sign_in, state_badge
from tests.e2e.browser.stack import ConsoleStack
from tests.helpers import assert_eventually

pytestmark = pytest.mark.e2e


@asynccontextmanager
async def receiver() -> AsyncIterator[tuple[str, list[web.Request]]]:
    """A webhook receiver on loopback: its URL, and the requests it answered with 204."""
    received: list[web.Request] = []

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        received.append(request)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hooks/jobwire", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/hooks/jobwire", received
    finally:
        await runner.cleanup()


async def open_research_form(page: Page, stack: ConsoleStack) -> None:
    await sign_in(page, stack, "alice")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="New job").click()
    await page.get_by_role("link", name="research", exact=True).click()
    await expect(page.locator('form[data-job-type="research"]')).to_be_visible()


async def test_the_form_sends_the_webhook_it_was_given_and_the_record_says_how_it_went(
    page: Page, stack: ConsoleStack
) -> None:
    await open_research_form(page, stack)
    await expect(field(page, "webhook.url")).to_have_value("")
    await expect(field(page, "webhook.events")).to_have_value("terminal")

    await field(page, "webhook.url").fill("not a url")
    await page.get_by_role("button", name="Submit research job").click()
    await expect(field_error(page, "webhook.url")).to_contain_text("URL")
    async with stack.client("alice") as http:
        assert (await http.get("/api/jobs")).json()["items"] == [], "a refused form started a job"

    async with receiver() as (hook_url, received):
        await field(page, "webhook.url").fill(hook_url)
        await page.get_by_role("button", name="Submit research job").click()
        await expect(page).to_have_url(re.compile(r"#/jobs/job-[0-9a-f-]+$"))
        job_id = page.url.rsplit("/", 1)[1]
        await expect(state_badge(page)).to_have_text("completed", timeout=120_000)

        async with stack.client("alice") as http:

            async def delivery_done() -> dict[str, object] | None:
                record = (await http.get(f"/api/jobs/{job_id}")).json()
                return record if record["webhook"] is not None else None

            record = await assert_eventually(delivery_done, timeout=60)
    assert record is not None
    assert record["spec"]["webhook"] == {"url": hook_url, "events": "terminal"}
    webhook = record["webhook"]
    assert isinstance(webhook, dict) and webhook["delivered"] is True, webhook
    assert webhook["last_status"] == 204 and webhook["event"] == "job.completed"
    assert len(received) == 1 and received[0].headers["Jobwire-Signature"].startswith("t=")


async def test_a_form_whose_webhook_is_left_empty_sends_none(
    page: Page, stack: ConsoleStack
) -> None:
    await open_research_form(page, stack)
    await page.get_by_role("button", name="Submit research job").click()
    await expect(page).to_have_url(re.compile(r"#/jobs/job-[0-9a-f-]+$"))
    job_id = page.url.rsplit("/", 1)[1]
    record = await stack.wait_for_state("alice", job_id, JobState.COMPLETED)
    assert "webhook" not in record.spec and record.webhook is None
    assert record.spec["question"] == example("research")["question"]
