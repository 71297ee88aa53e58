"""What the result views chart: the analysis curve's price and drawdown per point, the
trade's price path; both bounded whatever the job's size."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import activities  # noqa: F401
from activities.analysis.aggregates import CURVE_POINTS, summarize_backtest
from activities.analysis.models import AnalysisInput
from activities.trade.models import RandomWalkPrices
from activities.trade.path import PATH_POINTS, price_path
from activities.trade.prices import RandomWalkFeed
from jobwire.contract.registry import job_types
from jobwire.errors import InvalidSpec
from tests.unit.jobtypes.harness import Harness, unit_settings
from tests.unit.jobtypes.test_analysis import resumed_equals_whole


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
    assert [(p.row, p.price, p.drawdown, p.time) for p in curve[:2]] == [
        (0, None, None, None),
        (2, None, None, None),
    ]
    assert curve[-1].row == 3 and curve[-1].price is None
    assert math.isclose(curve[-1].drawdown or 0, 1 - 1.05 / 1.1)


def dated_csv(path: Path, rows: int) -> list[str]:
    days = [(date(2020, 1, 1) + timedelta(days=i)).isoformat() for i in range(rows)]
    lines = ["close,date,volume"]
    lines += [f"{100 + 10 * math.sin(i / 9) + i * 0.02:.4f},{day},5" for i, day in enumerate(days)]
    path.write_text("\n".join(lines) + "\n")
    return days


async def test_a_time_column_labels_each_curve_point_even_across_a_resume(tmp_path: Path) -> None:
    days = dated_csv(tmp_path / "daily.csv", 2345)
    spec = {
        "type": "analysis",
        "dataset": {"kind": "file", "path": "daily.csv"},
        "time_column": "date",
        "chunk_rows": 300,
        "fast": 5,
        "slow": 20,
    }
    # Stopped after the first chunk, the resumed scan never reads the header again: the
    # time column's index comes from the checkpoint.
    whole = await resumed_equals_whole(unit_settings(files_root=tmp_path), spec, [1, 3])
    curve = whole["backtest"]["equity_curve"]
    assert [p["time"] for p in curve] == [days[p["row"]] for p in curve]
    assert curve[-1]["row"] == len(days) - 1


async def test_inline_rows_carry_their_time_cells() -> None:
    rows = [{"t": f"2026-03-{i + 1:02d}", "close": 100 + i % 3} for i in range(9)]
    rows[4]["t"] = ""
    spec = {"type": "analysis", "dataset": {"kind": "inline", "rows": rows}, "time_column": "t"}
    curve = (await Harness(unit_settings()).run_all(spec))["backtest"]["equity_curve"]
    assert [p["time"] for p in curve] == [r["t"] or None for r in rows]


async def test_a_time_column_the_dataset_lacks_is_an_invalid_spec(tmp_path: Path) -> None:
    dated_csv(tmp_path / "daily.csv", 10)
    harness = Harness(unit_settings(files_root=tmp_path))
    spec: dict[str, Any] = {
        "type": "analysis",
        "dataset": {"kind": "file", "path": "daily.csv"},
        "time_column": "when",
    }
    with pytest.raises(InvalidSpec, match="no column 'when'") as raised:
        await harness.run(spec, "scan")
    assert raised.value.errors[0]["field"] == "time_column"
    spec["dataset"] = {"kind": "inline", "rows": [{"close": 1}, {"close": 2}]}
    with pytest.raises(InvalidSpec, match="no inline row has the column 'when'"):
        await harness.run(spec, "scan")


def test_a_generated_series_has_no_time_column() -> None:
    with pytest.raises(InvalidSpec, match="time_column"):
        job_types.parse_spec(
            {"type": "analysis", "dataset": {"kind": "generated"}, "time_column": "date"}
        )


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
