"""``classify`` tells a failure that will recur (final at once, with a stable type) from one
worth another attempt (the world around the phase, or something unknown)."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import httpx
import pytest
import redis.exceptions
from pydantic import BaseModel, ValidationError
from temporalio.exceptions import ApplicationError

from activities.runtime.failures import CheckpointRefused, classify
from jobwire.errors import InvalidSpec, JobFailed


class _Model(BaseModel):
    n: int


def _validation_error() -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate({"n": "x"})
    return caught.value


def _csv_error() -> csv.Error:
    with pytest.raises(csv.Error) as caught:
        csv.field_size_limit(10)
        try:
            next(csv.reader(["x" * 20]))
        finally:
            csv.field_size_limit(131072)
    return caught.value


def _decode_error() -> UnicodeDecodeError:
    with pytest.raises(UnicodeDecodeError) as caught:
        b"\xff".decode("utf-8")
    return caught.value


def _json_error() -> json.JSONDecodeError:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads("{")
    return caught.value


@pytest.mark.parametrize(
    ("exc", "error_type"),
    [
        (JobFailed("RiskCheckFailed", "too big"), "RiskCheckFailed"),
        (InvalidSpec("no such column", field="column"), "InvalidSpec"),
        (_validation_error(), "InvalidSpec"),
        (OverflowError("math range error"), "NumericError"),
        (ZeroDivisionError("division by zero"), "NumericError"),
        (FloatingPointError("overflow encountered in square"), "NumericError"),
        (
            TypeError("float() argument must be a string or a real number, not 'NoneType'"),
            "TypeError",
        ),
        (ValueError("embedded null byte"), "ValueError"),
        (_decode_error(), "DecodeError"),
        (_json_error(), "DecodeError"),
        (_csv_error(), "CsvError"),
        (CheckpointRefused("state.sums[3]: not a finite number"), "CheckpointRefused"),
        (KeyError("close"), "LookupError"),
        (FileNotFoundError("no such file"), "FileNotFound"),
    ],
)
def test_a_failure_that_will_recur_is_final_at_once(exc: Exception, error_type: str) -> None:
    error = classify(exc)
    assert error.non_retryable
    assert error.type == error_type
    assert error.message


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError("connection refused"),
        TimeoutError("timed out"),
        httpx.ConnectError("unreachable"),
        httpx.ReadTimeout("slow"),
        redis.exceptions.ConnectionError("Redis is down"),
        redis.exceptions.TimeoutError("Redis is slow"),
        OSError("I/O error"),
        RuntimeError("something unknown"),
    ],
)
def test_transient_or_unknown_failures_stay_retryable(exc: Exception) -> None:
    error = classify(exc)
    assert not error.non_retryable
    assert error.type == type(exc).__name__


def test_a_job_types_declared_errors_are_final() -> None:
    class QuotaGone(RuntimeError):
        pass

    assert not classify(QuotaGone("no quota")).non_retryable
    error = classify(QuotaGone("no quota"), final=(QuotaGone,))
    assert error.non_retryable and error.type == "QuotaGone"


def test_the_details_travel_with_the_error_and_an_application_error_passes_through() -> None:
    error = classify(ValueError("bad"), details=[{"attempt": 3}])
    assert error.details == ({"attempt": 3},)
    own = ApplicationError("mine", type="Mine", non_retryable=False)
    assert classify(own) is own


def test_a_job_failed_keeps_its_own_message() -> None:
    error = classify(JobFailed("CountRefused", "item 4 is refused"))
    assert error.message == "item 4 is refused"


def test_a_retryable_failure_waits_the_delay_it_is_given_and_a_final_one_none() -> None:
    delay = timedelta(seconds=3.2)
    assert classify(ConnectionError("down"), retry_delay=delay).next_retry_delay == delay
    assert classify(ValueError("bad"), retry_delay=delay).next_retry_delay is None
    assert classify(ConnectionError("down")).next_retry_delay is None


def test_a_phases_own_application_error_backs_off_unless_it_chose_a_delay() -> None:
    delay = timedelta(seconds=0.8)
    own = ApplicationError("busy", "detail", type="Busy")
    delayed = classify(own, retry_delay=delay)
    assert (delayed.next_retry_delay, delayed.type, delayed.details) == (delay, "Busy", ("detail",))
    assert delayed.__cause__ is own
    chosen = ApplicationError("busy", next_retry_delay=timedelta(seconds=9))
    assert classify(chosen, retry_delay=delay) is chosen
    final = ApplicationError("no", non_retryable=True)
    assert classify(final, retry_delay=delay) is final
