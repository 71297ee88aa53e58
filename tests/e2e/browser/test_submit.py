"""Each job type submitted through the form the console generates from its JSON Schema: the
API's field-level error appears beside the field, and the fixed form starts the job whose result
the job page renders for its type."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from tests.e2e.browser.console import (
    example,
    field,
    field_error,
    shot,
    sign_in,
    state_badge,
)
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e

BAD_VALUES = {
    # field, a value the API refuses, what its problem details say about that field
    "research": ("top_k", "0", "greater than or equal to 1"),
    "trade": ("symbol", "acme", "should match pattern"),
    "analysis": ("chunk_rows", "5", "greater than or equal to 100"),
}


async def assert_prefilled_with(page: Page, spec: dict[str, Any]) -> None:
    """The generated form shows the type's example: scalars as text, fixed choices ticked,
    the rest as JSON."""
    for name, value in spec.items():
        if name in ("type", "broker"):  # constants: the form sends them, shows no input
            continue
        choices = page.locator(f'[data-field="{name}"] [role="group"]')
        if await choices.count():
            ticked = choices.locator("input:checked")
            assert [await box.get_attribute("value") for box in await ticked.all()] == value
            continue
        shown = await field(page, name).input_value()
        if isinstance(value, dict | list):
            assert json.loads(shown) == value, name
        else:
            assert shown == str(value), name


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
async def test_a_job_type_is_submitted_through_its_form_and_its_result_rendered(
    page: Page, stack: ConsoleStack, artifacts: Path, name: str
) -> None:
    spec = example(name)
    await sign_in(page, stack, "alice")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="New job").click()
    await page.get_by_role("link", name=name, exact=True).click()
    await expect(page.locator(f'form[data-job-type="{name}"]')).to_be_visible()
    await assert_prefilled_with(page, spec)

    path, bad, reason = BAD_VALUES[name]
    await field(page, path).fill(bad)
    await page.get_by_role("button", name=f"Submit {name} job").click()
    await expect(field_error(page, path)).to_contain_text(reason)
    await expect(field(page, path)).to_have_attribute("aria-invalid", "true")
    await expect(field(page, path)).to_be_focused()
    await shot(page, artifacts / f"submit-{name}-field-error.png")
    async with stack.client("alice") as http:
        listed = (await http.get("/api/jobs")).json()
    assert listed["items"] == [], "a refused form started a job"

    await field(page, path).fill(str(spec[path]))
    await page.get_by_role("button", name=f"Submit {name} job").click()
    await expect(page).to_have_url(re.compile(r"#/jobs/job-[0-9a-f-]+$"))
    job_id = page.url.rsplit("/", 1)[1]
    await expect(state_badge(page)).to_have_text("completed", timeout=120_000)
    record = await stack.wait_for_state("alice", job_id, JobState.COMPLETED)
    model = job_types.get(name).input_model
    assert model.model_validate(record.spec) == model.model_validate(spec)
    assert record.result is not None

    result = page.locator(f"section.result-{name}")
    await expect(result).to_be_visible()
    await RENDERED[name](page, record.result)
    await expect(page.get_by_test_id("checkpoint")).to_be_visible()
    await expect(page.get_by_test_id("job-progress")).to_have_text("100.0%")
    await shot(page, artifacts / f"job-{name}-result.png")


async def research_rendered(page: Page, result: dict[str, Any]) -> None:
    """The report, its [n] markers linked to citations that name their sources."""
    citations = result["citations"]
    assert citations, result
    report = page.locator(".result-research .report")
    await expect(report).to_contain_text(result["report"].split("\n")[0][:40])
    await expect(page.locator("ol.citations > li")).to_have_count(len(citations))
    first = citations[0]
    marker = report.get_by_role("link", name=f"[{first['n']}]").first
    await expect(marker).to_have_attribute("href", f"#cite-{first['n']}")
    cited = page.locator(f"#cite-{first['n']}")
    await expect(cited).to_contain_text(first["source"])


async def trade_rendered(page: Page, result: dict[str, Any]) -> None:
    """The fills table, the average price and the slippage against arrival."""
    fills = page.locator(".result-trade section", has=page.get_by_role("heading", name="Fills"))
    await expect(fills.locator("tbody tr")).to_have_count(len(result["fills"]))
    figures = page.locator(".result-trade dl.figures")
    average = f"{float(result['average_price']):,.4f}"
    await expect(figures).to_contain_text(f"Average price{average}")
    await expect(figures).to_contain_text(f"Slippage{result['slippage_bps']:.2f} bps")
    await expect(figures).to_contain_text(f"Filled{int(float(result['filled_quantity'])):,}")


async def analysis_rendered(page: Page, result: dict[str, Any]) -> None:
    """The statistics and the backtest's equity curve as a chart."""
    stats = page.locator(
        ".result-analysis section", has=page.get_by_role("heading", name="Statistics")
    )
    await expect(stats).to_contain_text(f"count{result['stats']['count']:,}")
    chart = page.get_by_role("img", name=re.compile(r"^Equity curve: \d+ points"))
    await expect(chart).to_be_visible()
    points = len(result["backtest"]["equity_curve"])
    await expect(chart).to_have_attribute(
        "aria-label", re.compile(rf"^Equity curve: {points} points")
    )


RENDERED = {"research": research_rendered, "trade": trade_rendered, "analysis": analysis_rendered}
