"""The visibility query a filter becomes: every literal quoted, every field a clause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from jobwire.cli.jobs.exit_codes import UsageError
from jobwire.cli.jobs.filter_options import since_time
from jobwire.client.http import filter_params
from jobwire.contract.filters import JobFilter
from jobwire.contract.states import JobState
from jobwire.jobs.visibility_query import filtered_jobs, user_jobs


def test_no_filter_is_the_users_jobs() -> None:
    assert filtered_jobs("alice", JobFilter()) == user_jobs("alice")


def test_each_field_is_a_clause() -> None:
    query = filtered_jobs(
        "alice",
        JobFilter(
            tags=["nightly", "eu"],
            name_prefix="alpha",
            type="trade",
            state=JobState.RUNNING,
            created_after=datetime(2026, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
            created_before=datetime(2026, 2, 1, tzinfo=UTC),
        ),
    )
    assert query == (
        user_jobs("alice", state=JobState.RUNNING, type="trade")
        + " AND JobTags = 'nightly' AND JobTags = 'eu' AND JobName STARTS_WITH 'alpha'"
        + " AND StartTime >= '2026-01-01T00:00:00Z' AND StartTime < '2026-02-01T00:00:00Z'"
    )


def test_a_quote_in_a_name_prefix_stays_inside_its_literal() -> None:
    query = filtered_jobs("alice", JobFilter(name_prefix="x' OR JobUserId != '"))
    assert query.endswith("JobName STARTS_WITH 'x\\' OR JobUserId != \\''")


def test_the_client_sends_a_filter_as_the_lists_parameters() -> None:
    params = filter_params(JobFilter(tags=["a", "b"], name_prefix="n", state=JobState.PAUSED))
    assert params == [("tag", "a"), ("tag", "b"), ("name_prefix", "n"), ("state", "paused")]
    assert filter_params(None) == []


def test_since_takes_a_duration_or_a_time() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert since_time("2h", now) == now - timedelta(hours=2)
    assert since_time("7d", now) == now - timedelta(days=7)
    assert since_time("2026-11-30T08:00:00") == datetime(2026, 11, 30, 8, tzinfo=UTC)
    with pytest.raises(UsageError):
        since_time("yesterday")
