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
from jobwire.errors import JobFailed
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


async def test_a_generated_walk_starting_near_the_float_limit_completes() -> None:
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 3000, "seed": 1, "start": 1e308},
    }
    _, output = await _scan(spec)
    assert output["aggregates"]["stats"]["max"] <= WALK_BOUNDS[1]
    assert _finite(output["aggregates"])


@pytest.mark.parametrize(
    ("closes", "reason"),
    [
        ([1.0, 1e300, 1e-300], r"row 2: 1e\+300 is beyond"),
        ([1e-100, 1e100], r"row 2: the return from 1e-100 to 1e\+100 is beyond"),
    ],
)
async def test_values_no_aggregate_can_hold_fail_at_once_naming_the_row(
    closes: list[float], reason: str
) -> None:
    spec = {
        "type": "analysis",
        "dataset": {"kind": "inline", "rows": [{"close": c} for c in closes]},
        "analyses": ["stats", "returns"],
    }
    with pytest.raises(JobFailed, match=reason) as failed:
        await _scan(spec)
    assert failed.value.error_type == "ValueOutOfRange"
