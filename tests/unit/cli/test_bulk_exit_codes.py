"""A bulk action's exit code says the worst thing that happened to one of its jobs."""

from __future__ import annotations

import pytest

from jobwire.cli.jobs.bulk import exit_code_of
from jobwire.cli.jobs.exit_codes import ExitCode
from jobwire.contract.bulk import BulkItem, BulkOutcome, BulkResult
from jobwire.contract.states import JobAction


def result(*outcomes: BulkOutcome) -> BulkResult:
    items = [BulkItem(job_id=f"job-{n}", outcome=o) for n, o in enumerate(outcomes)]
    return BulkResult(action=JobAction.PAUSE, results=items, more=False)


@pytest.mark.parametrize(
    ("outcomes", "code"),
    [
        ((), ExitCode.OK),
        ((BulkOutcome.DONE, BulkOutcome.DONE), ExitCode.OK),
        ((BulkOutcome.DONE, BulkOutcome.NO_WORKER), ExitCode.ERROR),
        ((BulkOutcome.NO_WORKER, BulkOutcome.NOT_FOUND), ExitCode.NOT_FOUND),
        ((BulkOutcome.NOT_FOUND, BulkOutcome.NOT_ALLOWED), ExitCode.CONFLICT),
    ],
)
def test_the_worst_outcome_decides(outcomes: tuple[BulkOutcome, ...], code: ExitCode) -> None:
    assert exit_code_of(result(*outcomes)) == code
