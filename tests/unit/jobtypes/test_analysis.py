"""The analysis job without Temporal: a run stopped at any chunk and resumed from its last
checkpoint gives exactly the result of one that never stopped; bad inputs fail clearly."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import pytest

import activities  # noqa: F401
from activities.analysis.datasets import GENERATED_BLOCK
from jobwire.errors import InvalidSpec, JobFailed
from jobwire.settings import Settings
from tests.unit.jobtypes.harness import Harness, Stop, unit_settings


async def resumed_equals_whole(
    settings: Settings, spec: dict[str, Any], stops: list[int]
) -> dict[str, Any]:
    """Runs ``spec`` once straight through and once stopped after each count in ``stops``;
    checks both give the same result and returns it."""
    whole = await Harness(settings).run_all(spec)
    resumed = await interrupted(Harness(settings), spec, stops)
    assert resumed == whole
    return whole


async def interrupted(harness: Harness, spec: dict[str, Any], stops: list[int]) -> dict[str, Any]:
    """Stops the scan after each count of heartbeats in ``stops``, resuming each time from the
    last checkpoint seen, as a retried activity does after a crash."""
    resumed = None
    for stop in stops:
        harness.heartbeats.clear()
        harness.stop_after = stop
        with pytest.raises(Stop):
            await harness.run(spec, "scan", resumed=resumed)
        resumed = harness.heartbeats[-1]
    harness.stop_after = None
    scanned = await harness.run(spec, "scan", resumed=resumed)
    return await harness.run(spec, "report", previous={"scan": scanned})


def write_csv(path: Path, rows: int, *, bad_every: int = 0) -> list[float]:
    prices = [100 + 10 * math.sin(i / 7) + i * 0.01 for i in range(rows)]
    lines = ["date,close,volume"]
    for i, price in enumerate(prices):
        cell = "n/a" if bad_every and i % bad_every == 3 else f"{price:.6f}"
        lines.append(f"2026-01-{i % 28 + 1:02d},{cell},{1000 + i}")
    path.write_text("\r\n".join(lines) + "\r\n")
    return prices


@pytest.mark.parametrize("chunk_rows", [700, 1000])
async def test_a_resumed_generated_scan_equals_an_uninterrupted_one(chunk_rows: int) -> None:
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 7 * GENERATED_BLOCK + 123, "seed": 3},
        "chunk_rows": chunk_rows,
    }
    whole = await resumed_equals_whole(unit_settings(), spec, [2, 1, 3])
    assert whole["rows"] == 7 * GENERATED_BLOCK + 123
    assert whole["stats"]["count"] == whole["rows"]


async def test_a_resumed_file_scan_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    prices = write_csv(tmp_path / "prices.csv", 3456, bad_every=50)
    spec = {
        "type": "analysis",
        "dataset": {"kind": "file", "path": "prices.csv"},
        "chunk_rows": 250,
        "fast": 5,
        "slow": 20,
    }
    whole = await resumed_equals_whole(unit_settings(files_root=tmp_path), spec, [1, 4, 2])
    valid = [p for i, p in enumerate(prices) if i % 50 != 3]
    assert whole["rows"] == len(prices)
    assert whole["skipped_rows"] == len(prices) - len(valid)
    stats = whole["stats"]
    assert stats["count"] == len(valid)
    assert stats["mean"] == pytest.approx(statistics.fmean(valid), rel=1e-9)
    assert stats["std"] == pytest.approx(statistics.stdev(valid), rel=1e-6)
    assert stats["min"] == pytest.approx(min(valid)) and stats["max"] == pytest.approx(max(valid))
    assert stats["quantiles"]["p50"] == pytest.approx(statistics.median(valid), rel=0.01)


async def test_the_backtest_follows_the_moving_average_crossover() -> None:
    # Up 1% a row for 40 rows, then down 1% a row: a long-only crossover buys the rise late
    # and sells the fall late, and is flat at the start.
    rows = [{"close": 100 * 1.01**i} for i in range(40)]
    rows += [{"close": rows[-1]["close"] * 0.99**i} for i in range(1, 41)]
    spec = {"type": "analysis", "dataset": {"kind": "inline", "rows": rows}, "fast": 2, "slow": 5}
    result = await Harness(unit_settings()).run_all(spec)
    backtest = result["backtest"]
    assert backtest["trades"] == 2, "one entry into the rise, one exit in the fall"
    assert 0 < backtest["exposure"] < 1
    curve = [point["equity"] for point in backtest["equity_curve"]]
    assert curve[0] == 1.0 and len(curve) == 80
    assert backtest["total_return"] == pytest.approx(curve[-1] - 1.0)
    peak = max(curve)
    assert backtest["max_drawdown"] == pytest.approx(1 - min(curve[curve.index(peak) :]) / peak)
    assert result["returns"]["total_return"] == pytest.approx(rows[-1]["close"] / 100 - 1)


async def test_a_missing_column_is_an_invalid_spec(tmp_path: Path) -> None:
    write_csv(tmp_path / "prices.csv", 10)
    spec = {"type": "analysis", "dataset": {"kind": "file", "path": "prices.csv"}, "column": "x"}
    with pytest.raises(InvalidSpec, match="no column 'x'"):
        await Harness(unit_settings(files_root=tmp_path)).run(spec, "scan")


async def test_a_file_outside_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    write_csv(tmp_path / "secret.csv", 10)
    (root / "link.csv").symlink_to(tmp_path / "secret.csv")
    spec = {"type": "analysis", "dataset": {"kind": "file", "path": "link.csv"}}
    with pytest.raises(InvalidSpec, match="outside the files root"):
        await Harness(unit_settings(files_root=root)).run(spec, "scan")
    with pytest.raises(InvalidSpec, match="no files root"):
        await Harness(unit_settings()).run(spec, "scan")


@pytest.mark.parametrize("path", ["../secret.csv", "/etc/passwd", "a/../../b.csv"])
def test_a_path_that_escapes_is_refused_at_validation(path: str) -> None:
    from jobwire.contract.registry import job_types

    with pytest.raises(InvalidSpec, match="dataset"):
        job_types.parse_spec({"type": "analysis", "dataset": {"kind": "file", "path": path}})


async def test_a_column_without_numbers_fails_the_job() -> None:
    spec = {"type": "analysis", "dataset": {"kind": "inline", "rows": [{"close": "x"}] * 3}}
    with pytest.raises(JobFailed, match="no numeric values") as caught:
        await Harness(unit_settings()).run(spec, "scan")
    assert caught.value.error_type == "EmptyDataset"


def test_windows_must_be_ordered() -> None:
    from jobwire.contract.registry import job_types

    with pytest.raises(InvalidSpec, match="fast") as caught:
        job_types.parse_spec(
            {"type": "analysis", "dataset": {"kind": "generated"}, "fast": 30, "slow": 10}
        )
    assert [e["field"] for e in caught.value.errors] == ["slow"], "a form can show it there"


async def test_quoted_fields_may_span_lines_and_a_resume_lands_between_records(
    tmp_path: Path,
) -> None:
    lines = ["date,note,close"]
    closes = []
    for i in range(1500):
        close = 100 + (i % 17) * 0.5
        closes.append(close)
        note = f'"day {i}\r\nsaid ""hold"",\nthen left"' if i % 3 == 0 else "plain"
        lines.append(f"2026-02-{i % 28 + 1:02d},{note},{close}")
    (tmp_path / "notes.csv").write_text("\r\n".join(lines) + "\r\n", newline="")
    spec = {
        "type": "analysis",
        "dataset": {"kind": "file", "path": "notes.csv"},
        "chunk_rows": 100,
        "fast": 3,
        "slow": 8,
    }
    whole = await resumed_equals_whole(unit_settings(files_root=tmp_path), spec, [2, 3, 1])
    assert whole["rows"] == 1500 and whole["skipped_rows"] == 0
    assert whole["stats"]["mean"] == pytest.approx(statistics.fmean(closes), rel=1e-9)
