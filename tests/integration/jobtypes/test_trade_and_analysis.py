"""Trade and analysis run to a checked result, and fail cleanly on bad input."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from redis.asyncio import Redis

from activities.aggregates import Analysis
from activities.trade import TradeInput, slice_sizes
from jobwire.contract.states import JobState
from tests.integration.jobtypes.conftest import RunJob

pytestmark = pytest.mark.integration


async def test_a_vwap_trade_fills_the_whole_order_once_per_slice(
    run_job: RunJob, redis: Redis
) -> None:
    spec = {
        "type": "trade",
        "symbol": "ACME",
        "side": "buy",
        "quantity": 1003,
        "strategy": "vwap",
        "slices": 7,
        "duration_seconds": 0.5,
    }
    record = await run_job(spec)
    assert record.state is JobState.COMPLETED, record.error
    result = record.result
    assert result is not None
    assert result["filled_quantity"] == 1003
    assert [f["quantity"] for f in result["fills"]] == slice_sizes(TradeInput(**spec))
    assert [f["client_order_id"] for f in result["fills"]] == [
        f"{record.job_id}-s{i}" for i in range(7)
    ]
    value = sum(f["filled_quantity"] * f["price"] for f in result["fills"])
    assert result["average_price"] == pytest.approx(value / 1003)
    sends = await redis.hgetall(f"jobwire:paper:{record.job_id}:sends")
    assert set(sends.values()) == {"1"}


async def test_a_limit_far_from_the_market_fails_the_risk_check_before_any_order(
    run_job: RunJob, redis: Redis
) -> None:
    record = await run_job(
        {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": 10, "limit_price": 50.0}
    )
    assert record.state is JobState.FAILED
    assert record.error is not None and record.error.type == "RiskCheckFailed"
    assert "band" in record.error.message and not record.error.retryable
    assert await redis.exists(f"jobwire:paper:{record.job_id}:orders") == 0


def test_slices_always_sum_to_the_order() -> None:
    for quantity, slices in [(10, 10), (1000, 7), (17, 3), (999_999, 500)]:
        for strategy in ("twap", "vwap"):
            spec = TradeInput(
                symbol="X", side="sell", quantity=quantity, slices=slices, strategy=strategy
            )
            sizes = slice_sizes(spec)
            assert sum(sizes) == quantity and len(sizes) == slices and min(sizes) >= 1


async def test_analysis_of_a_csv_file_matches_a_direct_computation(
    run_job: RunJob, files_root: Path
) -> None:
    walk = random.Random(3)
    prices = [100.0]
    for _ in range(2499):
        prices.append(prices[-1] * math.exp(walk.gauss(0, 0.01)))
    lines = ["date,close"] + [f"d{i},{p!r}" for i, p in enumerate(prices)]
    (files_root / "prices.csv").write_text("\n".join(lines) + "\n")

    record = await run_job(
        {
            "type": "analysis",
            "dataset": {"kind": "file", "path": "prices.csv"},
            "sma_fast": 5,
            "sma_slow": 20,
            "chunk_rows": 100,
        }
    )
    assert record.state is JobState.COMPLETED, record.error
    direct = Analysis(fast=5, slow=20, vol_window=20)
    for price in prices:
        direct.add(price)
    assert record.result == direct.result("close")
    summary = record.result["summary"]
    assert summary["count"] == 2500 and summary["min"] == min(prices)
    assert summary["quantiles"]["p50"] == pytest.approx(sorted(prices)[1250], rel=0.02)


async def test_analysis_refuses_a_missing_column_and_non_numbers(run_job: RunJob) -> None:
    missing = await run_job(
        {"type": "analysis", "dataset": {"kind": "inline", "csv": "a,b\n1,2\n3,4\n"}}
    )
    assert missing.state is JobState.FAILED and missing.error is not None
    assert missing.error.type == "ColumnMissing" and "'close'" in missing.error.message
    bad = await run_job(
        {"type": "analysis", "dataset": {"kind": "inline", "csv": "close\n1\n2\nlots\n"}}
    )
    assert bad.error is not None and bad.error.message == "row 3: close='lots' is not a number"
