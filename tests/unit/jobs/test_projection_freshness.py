"""When a job's projection answers a read alone, and when Temporal is asked (the rule in
``jobwire.projection.view``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jobwire.projection.view import Projection

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FRESH = 10.0


def projection(
    state: str, *, seq: int = 5, base_seq: int | None = 5, age: float = 0, **more: Any
) -> Projection:
    values: dict[str, Any] = {
        "state": state,
        "seq": seq,
        "base": {"user_id": "u"},
        "updated_at": (NOW - timedelta(seconds=age)).isoformat(),
        **more,
    }
    if base_seq is not None:
        values["base_seq"] = base_seq
    return Projection(values)


def fresh(p: Projection) -> bool:
    return p.is_fresh(NOW.timestamp(), FRESH)


@pytest.mark.parametrize("state", ["completed", "failed", "cancelled", "paused"])
def test_a_state_only_a_transition_leaves_is_fresh_however_old(state: str) -> None:
    assert fresh(projection(state, age=86_400))


@pytest.mark.parametrize("state", ["completed", "failed", "cancelled"])
def test_an_ended_job_with_an_event_after_its_transition_asks_temporal(state: str) -> None:
    assert not fresh(projection(state, seq=6, base_seq=5))


def test_temporals_own_pause_said_by_an_activity_is_fresh_for_the_interval_only() -> None:
    assert fresh(projection("paused", seq=6, base_seq=5, age=1))
    assert not fresh(projection("paused", seq=6, base_seq=5, age=FRESH + 1))


def test_a_running_job_is_fresh_while_it_speaks_or_was_checked_recently() -> None:
    assert fresh(projection("running", age=1))
    assert not fresh(projection("running", age=FRESH + 1))
    checked = NOW.timestamp() - 1
    assert fresh(projection("running", age=FRESH + 1, checked_at=checked))


def test_a_created_job_is_fresh_only_after_temporal_was_asked() -> None:
    assert not fresh(projection("created", age=0))
    assert fresh(projection("created", age=0, checked_at=NOW.timestamp() - 1))


def test_without_a_base_or_with_an_unknown_state_temporal_is_asked() -> None:
    assert not fresh(Projection({"state": "running", "seq": 3, "updated_at": NOW.isoformat()}))
    assert not fresh(projection("bogus"))
