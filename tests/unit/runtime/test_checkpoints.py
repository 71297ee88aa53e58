"""A checkpoint either round-trips exactly or is refused when taken, naming the field."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import pytest

import activities  # noqa: F401
from activities.runtime.checkpoints import check_round_trip
from activities.runtime.failures import CheckpointRefused
from tests.unit.jobtypes.harness import Harness, unit_settings

SPEC = {"type": "analysis", "dataset": {"kind": "inline", "rows": [{"close": 1}]}}


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ({"sums": [1.0, 2.0, 3.0, math.nan]}, "state.sums[3]: not a finite number"),
        ({"stats": {"m2": math.inf}}, "state.stats.m2: not a finite number"),
        ({"rows": [[0, 1.0], [1, -math.inf]]}, "state.rows[1][1]: not a finite number"),
        ({"window": (1.0, 2.0)}, "state.window: a tuple is not a JSON value"),
        ({"price": Decimal("1.5")}, "state.price: a Decimal is not a JSON value"),
        ({"by_row": {3: "x"}}, "state.by_row: key 3 is not a string"),
    ],
)
async def test_advance_refuses_a_state_json_would_change_naming_the_field(
    state: dict[str, Any], reason: str
) -> None:
    harness = Harness(unit_settings())
    ctx = harness.context(SPEC, "scan")
    with pytest.raises(CheckpointRefused) as refused:
        await ctx.advance(done=1, position="row 1", state=state)
    assert str(refused.value) == reason
    assert harness.heartbeats == [], "nothing reached Temporal"
    assert ctx.checkpoint is None, "the refused state is not the checkpoint"


async def test_a_state_of_json_types_round_trips_exactly() -> None:
    state = {
        "cursor": 12,
        "sums": [0.1, -2.5e300, 5e-324],
        "nested": {"ok": True, "none": None, "text": "é", "deep": [[1, [2.0]]]},
    }
    harness = Harness(unit_settings())
    ctx = harness.context(SPEC, "scan")
    await ctx.advance(done=1, position="row 1", state=state)
    sent = harness.heartbeats[-1]
    assert json.loads(sent.model_dump_json())["state"] == state


def test_a_deep_state_is_checked_without_exhausting_the_stack() -> None:
    deep: Any = math.nan
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(CheckpointRefused, match=r"not a finite number"):
        check_round_trip({"deep": deep})
