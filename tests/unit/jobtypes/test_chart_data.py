"""What the result views chart: the analysis curve's price and drawdown per point, the
trade's price path; both bounded whatever the job's size."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

import activities  # noqa: F401
from activities.analysis.aggregates import CURVE_POINTS, summarize_backtest
from activities.analysis.models import AnalysisInput
from activities.trade.models import RandomWalkPrices
from activities.trade.path import PATH_POINTS, price_path
from activities.trade.prices import RandomWalkFeed
from tests.unit.jobtypes.harness import Harness, unit_settings


async def test_each_curve_point_carries_its_rows_price_and_exact_drawdown() -> None:
    closes = [100 * 1.01**i for i in range(40)] + [100 * 1.01**39 * 0.98**i for i in range(1, 41)]
    rows = [{"close": close} for close in closes]
    spec = {"type": "analysis", "dataset": {"kind": "inline", "rows": rows}, "fast": 2, "slow": 5}
    backtest = (await Harness(unit_settings()).run_all(spec))["backtest"]
    curve = backtest["equity_curve"]
    assert [p["row"] for p in curve] == list(range(80))
    assert [p["price"] for p in curve] == closes
    peak = 0.0
    for point in curve:
        peak = max(peak, point["equity"])
        assert point["drawdown"] == pytest.approx(1 - point["equity"] / peak, abs=1e-9)
    assert max(p["drawdown"] for p in curve) == pytest.approx(backtest["max_drawdown"])
    assert backtest["max_drawdown"] > 0


async def test_a_long_series_keeps_a_bounded_curve_whose_drawdowns_are_exact() -> None:
    rows = 20_000
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": rows, "seed": 5, "volatility_bps": 300},
        "analyses": ["backtest"],
    }
    backtest = (await Harness(unit_settings()).run_all(spec))["backtest"]
    curve = backtest["equity_curve"]
    assert len(curve) <= CURVE_POINTS + 1
    assert curve[0]["row"] == 0 and curve[-1]["row"] == rows - 1
    assert all(p["price"] > 0 for p in curve)
    # Sampled points miss some peaks, yet each drawdown is measured against the true peak:
    # never below what the sampled equities alone would show.
    peak = 0.0
    for point in curve:
        peak = max(peak, point["equity"])
        assert point["drawdown"] >= 1 - point["equity"] / peak - 1e-9
    assert max(p["drawdown"] for p in curve) <= backtest["max_drawdown"] + 1e-9


def test_a_checkpoint_from_before_prices_were_kept_still_reports_its_curve() -> None:
    spec = AnalysisInput.model_validate({"dataset": {"kind": "generated"}})
    state: dict[str, Any] = {
        "curve": [[0, 1.0], [2, 1.1]],
        "equity": 1.05,
        "peak": 1.1,
        "n": 0,
        "mean": 0.0,
        "m2": 0.0,
        "max_drawdown": 0.0,
        "trades": 0,
        "exposed": 0,
    }
    curve = summarize_backtest(spec, state, 3).equity_curve
    assert [(p.row, p.price, p.drawdown) for p in curve[:2]] == [(0, None, None), (2, None, None)]
    assert curve[-1].row == 3 and curve[-1].price is None
    assert math.isclose(curve[-1].drawdown or 0, 1 - 1.05 / 1.1)


def test_a_trade_price_path_runs_from_arrival_to_the_last_slice() -> None:
    feed = RandomWalkFeed(RandomWalkPrices(seed=3))
    path = price_path(feed, 7)
    assert [p.step for p in path] == list(range(8))
    assert [p.price for p in path] == [feed.price_at(step) for step in range(8)]
    assert path[0].price == Decimal("100.0000")


def test_a_trade_price_path_of_many_slices_is_thinned_keeping_both_ends() -> None:
    feed = RandomWalkFeed(RandomWalkPrices(seed=3))
    for slices in (500, 501, 999, 1000):
        steps = [p.step for p in price_path(feed, slices)]
        assert len(steps) <= PATH_POINTS, slices
        assert steps[0] == 0 and steps[-1] == slices, slices
        assert steps == sorted(set(steps)), slices
