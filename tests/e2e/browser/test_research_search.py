"""A research job from a question alone, watched in the console: the answer grows on the page
while the LLM writes it, then the result shows the question, the sources the search found
(title, URL, rank) and the answer with its citations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser.console import open_job, shot, sign_in, state_badge
from tests.e2e.browser.stack import ConsoleStack
from tests.support.search_standin import SearchStandIn

pytestmark = pytest.mark.e2e

QUESTION = "How does a durable workflow recover after its worker crashes?"
ANSWER = "It replays its event history on another worker and goes on [1]."


def html_page(title: str, text: str) -> str:
    return (
        f"<html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    )


def publish(web: SearchStandIn) -> None:
    web.results.clear()
    web.calls = 0
    web.pages["durable"] = html_page(
        "Durable execution",
        "A durable workflow recovers after its worker crashes: another worker replays its "
        "event history and goes on from the last recorded step.",
    )
    web.pages["bread"] = html_page("Baking", "Bread needs flour, water and time.")
    web.add(web.page_url("durable"), "Durable execution", "replays its history")
    web.add(web.page_url("bread"), "Baking", "flour and water")
    web.add(web.page_url("durable") + "#top", "Durable execution, again")
    web.llm_words = [f"{word} " for word in ANSWER.split()]
    web.llm_delay = 0.5


async def test_a_question_alone_streams_its_answer_then_shows_found_sources_and_citations(
    page: Page, stack: ConsoleStack, research_web: SearchStandIn, artifacts: Path
) -> None:
    publish(research_web)
    await sign_in(page, stack, "rhea")
    spec = {"type": "research", "question": QUESTION, "synthesize": True, "top_k": 2}
    job = await stack.create("rhea", spec)
    await open_job(page, stack, job.job_id)
    await expect(page.locator(".phase").first).to_have_text("search")

    # The sources found show as soon as the search has them, before the result.
    live = page.get_by_test_id("found-live")
    await expect(live.locator("h3")).to_have_text("Sources found (2 read of 3)")

    # While the LLM writes, the answer grows on the page, before the job completes.
    streaming = page.get_by_test_id("synthesis-text")
    await expect(streaming).to_contain_text("It replays its")
    assert ANSWER not in (await streaming.text_content() or "")
    await expect(state_badge(page)).to_have_text("running")
    await shot(page, artifacts / "research-streaming.png")

    await expect(state_badge(page)).to_have_text("completed")
    await expect(page.get_by_test_id("synthesis")).to_be_hidden()
    await expect(live).to_be_hidden()
    result = page.get_by_test_id("result")
    await expect(result.locator(".question")).to_contain_text(QUESTION)
    await expect(result.locator(".report")).to_have_text(ANSWER)
    found = result.get_by_test_id("found-sources")
    await expect(found.locator("h3")).to_have_text("Sources found (2 read of 3)")
    items = found.locator("li")
    await expect(items).to_have_count(3)
    await expect(items.nth(0)).to_have_attribute("data-rank", "1")
    link = items.nth(0).get_by_role("link", name="Durable execution")
    await expect(link).to_have_attribute("href", research_web.page_url("durable"))
    await expect(items.nth(2)).to_contain_text("not read: the same page as result 1")
    first_citation = result.locator(".citations li").first
    await expect(first_citation).to_contain_text("search result 1")
    await expect(result.locator(".report a.marker")).to_have_attribute(
        "href", research_web.page_url("durable")
    )
    await expect(page.locator(".phase.phase-done")).to_have_count(4)
    await expect(page.get_by_test_id("job-step")).to_have_text(re.compile("finished"))
    await shot(page, artifacts / "research-result.png")
    assert research_web.calls == 1
