"""The result charts as a person reads them: hovering the equity curve names the value of the
point under the cursor (the same the job computed), the keyboard steps through the points, and
the trade chart marks its arrival price and each fill against the market price it met.

The job page renders the record again as its events and a refetch arrive, which may replace a
chart just drawn; each reading is therefore retried (on the chart as it is then) until it
holds, and compared with the job's own result."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page, expect

from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, shot, sign_in, state_badge
from tests.e2e.browser.stack import ConsoleStack
from tests.helpers import assert_eventually

pytestmark = pytest.mark.e2e


async def completed_result(page: Page, stack: ConsoleStack, spec: dict[str, Any]) -> dict[str, Any]:
    """Runs ``spec`` to completion and opens its page by its address (as a bookmark would)."""
    job = await stack.create("alice", spec)
    record = await stack.wait_for_state("alice", job.job_id, JobState.COMPLETED)
    assert record.result is not None
    await page.goto(f"{stack.base_url}/#/jobs/{job.job_id}")
    await expect(state_badge(page)).to_have_text("completed")
    return record.result


async def tooltip(chart: Locator) -> list[str]:
    """The lines of the chart's tooltip, once it shows (the cursor moves on the next frame)."""
    tip = chart.get_by_test_id("chart-tooltip")
    await expect(tip).to_be_visible(timeout=5_000)
    lines: list[str] = await tip.locator("div").all_inner_texts()
    return lines


async def hover_at(page: Page, chart: Locator, share: float) -> list[str]:
    """Moves the mouse onto the drawn chart, ``share`` of the way across; the tooltip then."""
    await expect(chart).to_have_attribute("data-drawn", "true")
    over = chart.locator(".u-over")
    try:
        await over.scroll_into_view_if_needed()
        box = await over.bounding_box()
    except PlaywrightError as exc:  # replaced by a render in between: try the new chart
        raise AssertionError(exc.message) from exc
    assert box is not None
    await page.mouse.move(0, 0)
    await page.mouse.move(box["x"] + box["width"] * share, box["y"] + box["height"] / 2)
    return await tooltip(chart)


async def keys(page: Page, chart: Locator, *pressed: str) -> list[str]:
    """Focuses the drawn chart and presses ``pressed``; the tooltip then."""
    await expect(chart).to_have_attribute("data-drawn", "true")
    try:
        await chart.focus()
    except PlaywrightError as exc:
        raise AssertionError(exc.message) from exc
    for key in pressed:
        await page.keyboard.press(key)
    return await tooltip(chart)


async def snap(locator: Locator, path: Path) -> None:
    """A picture of one element for the artifacts, taken again if a render replaced it."""

    async def taken() -> bool:
        try:
            await locator.screenshot(path=path, timeout=5_000)
        except PlaywrightError as exc:
            raise AssertionError(exc.message) from exc
        return True

    await assert_eventually(taken)


def equity_lines(point: dict[str, Any]) -> list[str]:
    return [
        f"row {point['row']:,}",
        f"equity {point['equity']:,.4f}",
        f"price {point['price']:,.4f}",
        f"drawdown {point['drawdown'] * 100:.2f}%",
    ]


async def test_hovering_the_equity_curve_reads_the_value_of_the_point_under_the_cursor(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    result = await completed_result(page, stack, example("analysis"))
    points = result["backtest"]["equity_curve"]
    by_row = {point["row"]: point for point in points}

    chart = page.get_by_test_id("equity-chart")
    label = re.compile(rf"^Equity curve: {len(points)} points from row 0 to row [\d,]+; starts")
    await expect(chart).to_have_attribute("aria-label", label)
    await expect(page.locator(".result-analysis figcaption")).to_contain_text("deepest drawdown")

    async def hovered() -> bool:
        lines = await hover_at(page, chart, 0.62)
        row = int(lines[0].removeprefix("row ").replace(",", ""))
        assert 0.5 * len(points) < list(by_row).index(row) < 0.75 * len(points), lines
        assert lines == equity_lines(by_row[row])
        return True

    await assert_eventually(hovered)
    await snap(page.locator("figure.plot"), artifacts / "chart-equity-hover.png")
    await shot(page, artifacts / "chart-equity.png")

    async def stepped() -> bool:
        await page.mouse.move(0, 0)
        assert await keys(page, chart, "Home") == equity_lines(points[0])
        assert await keys(page, chart, "ArrowRight") == equity_lines(points[1])
        assert await keys(page, chart, "End") == equity_lines(points[-1])
        return True

    await assert_eventually(stepped)


async def test_the_trade_chart_shows_fills_against_the_price_path_and_the_arrival_price(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    result = await completed_result(page, stack, example("trade"))
    arrival = f"{float(result['arrival_price']):,.4f}"
    fills = len(result["fills"])

    chart = page.get_by_test_id("trade-chart")
    summary = f"Fills against the price path: {fills} fills over {fills + 1} steps;"
    summary += f" arrival price {arrival};"
    await expect(chart).to_have_attribute("aria-label", re.compile("^" + re.escape(summary)))
    await expect(page.get_by_test_id("arrival-price")).to_have_text(
        f"Arrival price {arrival} (dashed line)"
    )

    # Step 1 is where slice 0 filled: the market then, the fill, and arrival beside.
    fill = result["fills"][0]
    market = float(result["price_path"][1]["price"])
    expected = [
        "step 1",
        f"market {market:,.4f}",
        f"fill of slice 0: {float(fill['price']):,.4f} \N{MULTIPLICATION SIGN}"
        f" {float(fill['quantity']):,.0f}",
        f"arrival {arrival}",
    ]

    at_arrival = ["step 0 (arrival)", f"market {arrival}", f"arrival {arrival}"]

    async def stepped() -> bool:
        assert await keys(page, chart, "Home") == at_arrival
        assert await keys(page, chart, "ArrowRight") == expected
        return True

    await assert_eventually(stepped)
    await snap(page.locator("figure.plot"), artifacts / "chart-trade-step.png")
    await shot(page, artifacts / "chart-trade.png")


async def test_research_sources_are_listed_best_first_with_their_scores(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, stack, "alice")
    result = await completed_result(page, stack, example("research"))
    best: dict[str, float] = {}
    for citation in result["citations"]:
        best[citation["source"]] = max(best.get(citation["source"], 0.0), citation["score"])
    ranked = sorted(best, key=lambda name: -best[name])

    items = page.get_by_test_id("ranked-sources").locator("li")
    await expect(items).to_have_count(len(result["sources"]))
    await expect(items.locator(".source-name")).to_have_text(
        ranked + [s["name"] for s in result["sources"] if s["name"] not in best]
    )
    top = items.first
    await expect(top).to_contain_text(f"best score {best[ranked[0]]:,.3f}")
    await expect(top.get_by_role("meter")).to_have_attribute("value", str(best[ranked[0]]))
    await snap(page.get_by_test_id("ranked-sources"), artifacts / "chart-sources.png")


async def test_an_equity_curve_with_a_time_column_reads_dates_off_its_time_axis(
    page: Page, stack: ConsoleStack, artifacts: Path
) -> None:
    days = [(date(2024, 1, 1) + timedelta(days=i)).isoformat() for i in range(300)]
    rows = [
        {"date": day, "close": 100 + 8 * math.sin(i / 11) + i / 20} for i, day in enumerate(days)
    ]
    spec = {
        "type": "analysis",
        "dataset": {"kind": "inline", "rows": rows},
        "time_column": "date",
        "fast": 5,
        "slow": 20,
    }
    await sign_in(page, stack, "alice")
    result = await completed_result(page, stack, spec)
    points = result["backtest"]["equity_curve"]
    assert [p["time"] for p in points] == [days[p["row"]] for p in points]

    chart = page.get_by_test_id("equity-chart")
    label = f"Equity curve: {len(points)} points from {days[0]} to {days[-1]};"
    await expect(chart).to_have_attribute("aria-label", re.compile("^" + re.escape(label)))

    async def stepped() -> bool:
        lines = await keys(page, chart, "Home", "ArrowRight")
        assert lines[:2] == [points[1]["time"], f"equity {points[1]['equity']:,.4f}"]
        return True

    await assert_eventually(stepped)
    await snap(page.locator("figure.plot"), artifacts / "chart-equity-dates.png")
