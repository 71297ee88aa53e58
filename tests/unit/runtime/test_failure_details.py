"""The workflow finds a failed phase's attempt count and checkpoint wherever Temporal puts
them: in the error's details (and in the bare checkpoint of older histories), or as a timed
out attempt's last heartbeat."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError, TimeoutError, TimeoutType

from jobwire.contract.events import utc_now
from jobwire.contract.phases import Checkpoint, FailureDetails
from workflows.phase_runner import _found_in


def checkpoint() -> Checkpoint:
    return Checkpoint(
        phase="scan", position="row 40", done=40, state={"row": 40}, taken_at=utc_now()
    )


def test_the_details_of_a_failed_attempt_give_its_attempt_and_checkpoint() -> None:
    sent = FailureDetails(attempt=5, checkpoint=checkpoint()).model_dump(mode="json")
    found = _found_in(ApplicationError("down", sent, type="ConnectionError"))
    assert found.attempt == 5
    assert found.checkpoint == checkpoint().model_copy(
        update={"taken_at": found.checkpoint.taken_at}
    )


def test_a_bare_checkpoint_from_an_older_history_still_counts() -> None:
    found = _found_in(ApplicationError("refused", checkpoint().model_dump(mode="json")))
    assert found.attempt == 1
    assert found.checkpoint is not None and found.checkpoint.position == "row 40"


def test_a_timed_out_attempt_gives_its_last_heartbeat() -> None:
    heartbeat = [checkpoint().model_dump(mode="json")]
    found = _found_in(
        TimeoutError("no heartbeat", type=TimeoutType.HEARTBEAT, last_heartbeat_details=heartbeat)
    )
    assert found.checkpoint is not None and found.checkpoint.state == {"row": 40}


def test_a_failure_without_details_has_no_checkpoint() -> None:
    assert _found_in(ApplicationError("boom")) == FailureDetails(attempt=1)
    assert _found_in(None) == FailureDetails(attempt=1)
