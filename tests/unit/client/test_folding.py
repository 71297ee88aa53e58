"""The fields an event folds into the record, beyond what the recorded sequences show."""

from __future__ import annotations

from jobwire.client.folding import fold
from jobwire.contract.events import EventType
from jobwire.contract.states import JobState
from tests.unit.client.fakes import make_event, make_record

JOB = "job-1"
CHECKPOINT = {
    "phase": "fetch",
    "position": "source 3 of 8",
    "size_bytes": 812,
    "taken_at": "2026-11-22T10:00:00Z",
}


def with_data(kind: EventType, state: JobState, data: dict) -> object:
    return make_event(JOB, 1, kind, state, 30.0).model_copy(update={"data": data})


def test_a_checkpoint_and_a_recovery_carry_the_checkpoint_summary() -> None:
    record = fold(make_record(JOB), with_data(EventType.CHECKPOINT, JobState.RUNNING, CHECKPOINT))
    assert record.checkpoint is not None and record.checkpoint.position == "source 3 of 8"
    recovered = with_data(
        EventType.RECOVERED, JobState.RUNNING, {"checkpoint": CHECKPOINT, "attempt": 2}
    )
    record = fold(make_record(JOB), recovered)
    assert record.checkpoint is not None and record.attempt == 2


def test_a_malformed_checkpoint_or_error_leaves_the_record_as_it_was() -> None:
    base = make_record(JOB)
    bad_checkpoint = with_data(EventType.CHECKPOINT, JobState.RUNNING, {"phase": "fetch"})
    assert fold(base, bad_checkpoint).checkpoint is None
    bad_error = with_data(EventType.FAILED, JobState.FAILED, {"error": {"message": 3}})
    failed = fold(base, bad_error)
    assert failed.error is None and failed.state is JobState.FAILED


def test_a_failure_carries_its_error_and_a_resume_clears_the_finish() -> None:
    error = {"type": "RiskCheckFailed", "message": "limit", "retryable": False}
    failed = fold(make_record(JOB), with_data(EventType.FAILED, JobState.FAILED, {"error": error}))
    assert failed.error is not None and failed.error.type == "RiskCheckFailed"
    assert failed.finished_at is not None
    resumed = fold(failed, with_data(EventType.RESUMED, JobState.RUNNING, {}))
    assert resumed.finished_at is None
