"""A job's phases retry a bounded number of times unless an operator opts into no limit."""

from __future__ import annotations

from jobwire.contract.phases import ActivityPolicy
from jobwire.settings import Settings


def test_phases_retry_a_few_times_by_default() -> None:
    settings = Settings(_env_file=None)
    assert settings.retry_maximum_attempts == 5
    assert settings.activity_policy().retry_maximum_attempts == 5
    assert ActivityPolicy().retry_maximum_attempts == 5


def test_no_limit_is_an_explicit_opt_in() -> None:
    settings = Settings(_env_file=None, retry_maximum_attempts=0)
    assert settings.activity_policy().retry_maximum_attempts == 0
