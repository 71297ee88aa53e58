"""The analysis scan stays finite for any finite input: a generated walk cannot run to
infinity, and values or returns no aggregate can hold fail the job at once, naming the row.
Every checkpoint the scan takes round-trips through JSON."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

import activities  # noqa: F401
from activities.analysis.datasets import WALK_BOUNDS
from jobwire.errors import InvalidSpec
from tests.unit.jobtypes.harness import Harness, unit_settings


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


async def _scan(spec: dict[str, Any]) -> tuple[Harness, dict[str, Any]]:
    harness = Harness(unit_settings())
    output = await harness.run(spec, "scan")
    return harness, output


async def test_a_generated_walk_with_a_strong_drift_stays_finite_and_completes() -> None:
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 12_000, "seed": 5, "drift_bps": 1000},
        "chunk_rows": 1000,
    }
    harness, output = await _scan(spec)
    stats = output["aggregates"]["stats"]
    assert stats["n"] == 12_000
    assert WALK_BOUNDS[0] <= stats["min"] <= stats["max"] <= WALK_BOUNDS[1]
    assert _finite(output["aggregates"])
    for checkpoint in harness.heartbeats:
        assert json.loads(checkpoint.model_dump_json())["state"] == checkpoint.state


async def test_a_walk_starting_near_the_float_limit_is_refused_before_any_scan() -> None:
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 3000, "seed": 1, "start": 1e308},
    }
    with pytest.raises(InvalidSpec, match=r"dataset\.generated\.start"):
        await _scan(spec)


@pytest.mark.parametrize(
    ("closes", "field"),
    [
        ([1.0, 1e300, 1e-300], r"dataset\.inline\.rows\.1\.close"),
        ([1e-100, 1e100], r"dataset\.inline\.rows\.0\.close"),
    ],
)
async def test_values_no_aggregate_can_hold_are_refused_at_once_naming_the_row(
    closes: list[float], field: str
) -> None:
    """The spec's own bounds refuse them (a worker parses the spec again, so one that came
    past the API still ends at once); the scan's overflow checks stay behind them."""
    spec = {
        "type": "analysis",
        "dataset": {"kind": "inline", "rows": [{"close": c} for c in closes]},
        "analyses": ["stats", "returns"],
    }
    with pytest.raises(InvalidSpec, match=field):
        await _scan(spec)
