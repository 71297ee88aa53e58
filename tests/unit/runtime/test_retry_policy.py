"""A job's phases retry a bounded number of times unless an operator opts into no limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jobwire.contract.phases import ActivityPolicy
from jobwire.settings import Settings
from workflows.phase_runner import _retry_policy


def test_phases_retry_a_few_times_by_default() -> None:
    settings = Settings(_env_file=None)
    assert settings.retry_maximum_attempts == 5
    assert settings.activity_policy().retry_maximum_attempts == 5
    assert ActivityPolicy().retry_maximum_attempts == 5


def test_no_limit_is_an_explicit_opt_in() -> None:
    settings = Settings(_env_file=None, retry_maximum_attempts=0)
    assert settings.activity_policy().retry_maximum_attempts == 0


def test_a_timed_out_attempt_retries_without_backing_off_and_a_failed_one_backs_off() -> None:
    policy = Settings(_env_file=None).activity_policy()
    assert policy.retry_after_timeout_seconds == 0.2
    delays = [policy.failure_retry_delay(attempt).total_seconds() for attempt in range(1, 6)]
    assert delays == pytest.approx([0.2, 0.8, 3.2, 12.8, 30.0])


def test_the_workflow_retries_timeouts_at_a_fixed_delay_and_old_jobs_as_before() -> None:
    fixed = _retry_policy(Settings(_env_file=None).activity_policy())
    assert (fixed.initial_interval, fixed.backoff_coefficient, fixed.maximum_interval) == (
        timedelta(seconds=0.2),
        1.0,
        timedelta(seconds=0.2),
    )
    old = _retry_policy(ActivityPolicy())
    assert (old.initial_interval, old.backoff_coefficient, old.maximum_interval) == (
        timedelta(seconds=1),
        2.0,
        timedelta(seconds=30),
    )
