"""The API process is killed mid-job and started again on the same port: the page says it is
reconnecting, then shows every event it missed, once each, in order, as `GET /events` has them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, Route, expect
from redis.asyncio import Redis

from jobwire.contract.states import JobState
from jobwire.projection.events import latest_seq
from tests.e2e.browser.console import open_job, shot, sign_in, state_badge
from tests.e2e.browser.stack import ConsoleStack
from tests.e2e.browser.test_job_page import assert_page_matches_the_api, slow_trade
from tests.helpers import assert_eventually

pytestmark = pytest.mark.e2e


async def events_on_page(page: Page) -> int:
    text = await page.get_by_test_id("event-count").inner_text()
    found = re.search(r"last #(\d+)", text)
    return int(found.group(1)) if found else 0


async def test_the_page_recovers_every_event_across_an_api_restart(
    page: Page, stack: ConsoleStack, redis: Redis, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    job = await stack.create("alice", slow_trade(slices=40, seconds=20))
    await open_job(page, stack, job.job_id)
    await expect(page.get_by_test_id("checkpoint")).to_contain_text(
        re.compile(r"execute: slice ([3-9]|[1-3]\d) of 40")
    )
    await expect(page.get_by_test_id("running-count")).to_have_text("1 running")

    await stack.kill_api()
    connection = page.get_by_test_id("connection")
    await expect(connection).to_have_text("reconnecting")
    seen = await events_on_page(page)

    # The worker goes on publishing while no API is there to relay it.
    async def published_while_down() -> bool:
        return await latest_seq(redis, job.job_id) >= seen + 6

    await assert_eventually(published_while_down, timeout=60, message="the job stood still")
    assert await events_on_page(page) == seen, "events reached the page with no API"

    await stack.start_api()
    await expect(connection).to_have_text("live")
    assert await events_on_page(page) >= seen
    await expect(page.get_by_test_id("running-count")).to_have_text(re.compile(r"^[01] running$"))
    await expect(state_badge(page)).to_have_text("completed")
    await stack.wait_for_state("alice", job.job_id, JobState.COMPLETED)
    await expect(page.get_by_test_id("running-count")).to_have_text("0 running")
    await assert_page_matches_the_api(page, stack, job.job_id)
    await shot(page, artifacts / "job-after-api-restart.png")


async def test_a_job_page_the_feed_shows_stays_when_its_record_read_fails(
    page: Page, stack: ConsoleStack
) -> None:
    """The page's REST read of the record can fail after the feed has drawn the page (the API
    went down meanwhile): the page stays, kept current by its subscription. The job is paused,
    so no later event would draw the page again."""
    await sign_in(page, stack, "alice")
    job = await stack.create("alice", slow_trade(slices=40, seconds=20))
    async with stack.client("alice") as http:
        assert (await http.post(f"/api/jobs/{job.job_id}/pause")).status_code < 300
    await stack.wait_for_state("alice", job.job_id, JobState.PAUSED)
    held: list[Route] = []

    async def hold(route: Route) -> None:
        held.append(route)

    await page.route(re.compile(rf"/api/jobs/{re.escape(job.job_id)}$"), hold)
    await open_job(page, stack, job.job_id)
    await expect(state_badge(page)).to_have_text("paused")  # drawn from the feed alone
    assert held, "the record's read is still held"
    for route in held:
        await route.abort("connectionrefused")
    await page.wait_for_timeout(1000)
    await expect(page.get_by_text("Cannot load the job")).to_have_count(0)
    await expect(page.get_by_test_id("event-count")).to_contain_text("received")
