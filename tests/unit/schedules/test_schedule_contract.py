"""What a schedule body may say, checked without a server: one timetable, a known time zone,
printable text; and the shortest gap between a cron's runs, which bounds how often it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from jobwire.contract.schedules import (
    Overlap,
    ScheduleChange,
    ScheduleRequest,
    Timetable,
    is_schedule_id,
    new_schedule_id,
)
from jobwire.contract.workflow_api import is_job_id, new_job_id
from jobwire.schedules.timetable import (
    OVERLAP_OF_TEMPORAL,
    TEMPORAL_OVERLAP,
    closest_gap,
    temporal_spec,
)

SPEC = {"type": "count"}  # the base model; the API narrows spec to the registered types


def test_a_request_needs_exactly_one_timetable() -> None:
    with pytest.raises(ValidationError, match="give a cron or an interval_seconds"):
        ScheduleRequest.model_validate({"spec": SPEC})
    with pytest.raises(ValidationError, match="not both"):
        ScheduleRequest.model_validate({"spec": SPEC, "cron": "@daily", "interval_seconds": 60})
    request = ScheduleRequest.model_validate({"spec": SPEC, "cron": "@daily"})
    assert request.time_zone == "UTC" and request.overlap is Overlap.SKIP and not request.paused


@pytest.mark.parametrize(
    "body",
    [
        {"cron": "CRON_TZ=Europe/Paris 0 9 * * *"},
        {"cron": "0 9 * * *\n"},
        {"time_zone": "Mars/Olympus"},
        {"time_zone": "../etc/passwd"},
        {"interval_seconds": 0},
        {"note": "line\nbreak"},
        {"overlap": "sometimes"},
        {"unknown": 1},
    ],
)
def test_a_change_refuses_what_temporal_or_a_log_could_not_take(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ScheduleChange.model_validate(body)


def test_every_overlap_policy_maps_to_temporals_and_back() -> None:
    assert set(TEMPORAL_OVERLAP) == set(Overlap)
    assert all(OVERLAP_OF_TEMPORAL[TEMPORAL_OVERLAP[o]] is o for o in Overlap)


def test_a_timetable_becomes_a_cron_or_an_interval_in_its_zone() -> None:
    cron = temporal_spec(Timetable(cron="0 9 * * *", time_zone="Europe/Paris"))
    assert cron.cron_expressions == ["0 9 * * *"] and cron.time_zone_name == "Europe/Paris"
    every = temporal_spec(Timetable(interval_seconds=600))
    assert [i.every for i in every.intervals] == [timedelta(minutes=10)]


def test_the_closest_gap_is_the_shortest_between_consecutive_runs() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    times = [start + timedelta(minutes=m) for m in (60, 0, 61, 180)]
    assert closest_gap(times) == timedelta(minutes=1)
    assert closest_gap([start]) is None


def test_a_scheduled_runs_id_is_a_job_id_and_a_schedule_id_is_not() -> None:
    base = new_job_id()
    assert is_job_id(f"{base}-2026-12-01T11:40:24Z")
    assert not is_job_id(f"{base}-2026-12-01")
    assert not is_job_id(f"{base}-2026-12-01T11:40:24Z-2026-12-01T11:40:24Z")
    schedule_id = new_schedule_id()
    assert is_schedule_id(schedule_id) and not is_job_id(schedule_id)
    assert not is_schedule_id(base)
