"""What Temporal is told about a job's priority and its user, and what a user may ask for."""

from __future__ import annotations

from temporalio.common import Priority

from jobwire.contract.priority import fairness_key
from jobwire.contract.slots import SlotQueued
from jobwire.jobs.priorities import allowed_priority, spec_priority, temporal_priority
from jobwire.settings import Settings


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_a_priority_above_what_the_user_may_ask_is_clamped_to_it() -> None:
    chosen = settings(max_priority=2, priority_grants={"ops": 1})
    assert allowed_priority(chosen, "alice", 2) == 2
    assert allowed_priority(chosen, "alice", 5) == 5
    assert allowed_priority(chosen, "alice", 1) == 2
    assert allowed_priority(chosen, "ops", 1) == 1


def test_the_user_is_the_fairness_key_with_its_weight() -> None:
    chosen = settings(fairness_weights={"batch": 0.5})
    assert temporal_priority(chosen, "batch", 4) == Priority(
        priority_key=4, fairness_key="batch", fairness_weight=0.5
    )
    assert temporal_priority(chosen, "alice", 3) == Priority(priority_key=3, fairness_key="alice")


def test_with_fairness_off_only_the_priority_is_sent() -> None:
    assert temporal_priority(settings(fairness_enabled=False), "alice", 2) == Priority(
        priority_key=2
    )


def test_a_long_user_id_is_cut_to_what_temporal_accepts() -> None:
    assert fairness_key("é" * 40).encode() == ("é" * 32).encode()
    assert len(fairness_key("u" * 100).encode()) == 64


def test_specs_from_before_priorities_get_the_default() -> None:
    assert spec_priority({"type": "count"}) == 3
    assert spec_priority({"type": "count", "priority": 1}) == 1


def test_a_waiting_jobs_step_says_how_many_run_and_how_many_are_ahead() -> None:
    assert SlotQueued(running=4, cap=4, ahead=0).step() == (
        "waiting: 4 of your jobs are running (at most 4)"
    )
    assert SlotQueued(running=4, cap=4, ahead=2).step().endswith("2 queued before this one")


def test_no_cap_by_default_and_the_cap_travels_with_the_job() -> None:
    assert settings().running_cap() is None
    cap = settings(max_running_jobs_per_user=3, running_slot_check_seconds=5).running_cap()
    assert cap is not None and (cap.limit, cap.check_seconds) == (3, 5)
