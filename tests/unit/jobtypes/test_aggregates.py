"""The analysis aggregates give one answer however the rows are split into chunks."""

from __future__ import annotations

import json

import pytest

from activities.aggregates import Analysis
from activities.analysis import GeneratedSeries, _generated


def prices(rows: int) -> list[float]:
    return [float(r["close"]) for r in _generated(GeneratedSeries(rows=rows, seed=9), "close")]


@pytest.mark.parametrize(
    "splits", [[1], [7, 5000], [2999, 3000, 3001], list(range(100, 6000, 700))]
)
def test_any_split_through_json_state_equals_one_pass(splits: list[int]) -> None:
    series = prices(6000)
    whole = Analysis(fast=5, slow=25, vol_window=10)
    for price in series:
        whole.add(price)
    pieces = Analysis(fast=5, slow=25, vol_window=10)
    for index, price in enumerate(series):
        if index in splits:
            state = json.loads(json.dumps(pieces.to_state(), allow_nan=False))
            pieces = Analysis.from_state(5, 25, 10, state)
        pieces.add(price)
    assert pieces.result("close") == whole.result("close")


def test_a_state_is_a_snapshot_that_later_rows_do_not_change() -> None:
    analysis = Analysis(fast=2, slow=4, vol_window=3)
    for price in prices(50):
        analysis.add(price)
    state = analysis.to_state()
    frozen = json.dumps(state)
    for price in prices(2000):
        analysis.add(price)
    assert json.dumps(state) == frozen


def test_results_are_right_on_a_tiny_series() -> None:
    analysis = Analysis(fast=1, slow=2, vol_window=2)
    for price in [100.0, 110.0, 99.0, 99.0]:
        analysis.add(price)
    result = analysis.result("close")
    assert result["summary"]["count"] == 4 and result["summary"]["mean"] == 102.0
    assert result["summary"]["min"] == 99.0 and result["summary"]["max"] == 110.0
    assert result["returns"]["count"] == 3
    assert result["returns"]["mean"] == pytest.approx((0.1 - 0.1 + 0.0) / 3)
    # Long after bar 2 (110 > 105), so bar 3's -10% is earned; flat after (99 < 104.5).
    assert result["backtest"]["total_return"] == pytest.approx(-0.1)
    assert result["backtest"]["max_drawdown"] == pytest.approx(0.1)
    assert result["summary"]["quantiles"]["p50"] == pytest.approx(99.0, rel=0.01)
