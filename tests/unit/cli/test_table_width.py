"""Tables printed into a pipe keep whole rows: a script or ``grep`` reads them, and a person
copies job ids from them."""

from __future__ import annotations

import pytest

from jobwire.cli.jobs import output
from jobwire.contract.records import JobPage, JobSummary

SCHEDULED_ID = "job-5386d9e8-efac-448e-a870-3d9656d262fd-2026-12-01T19:17:23Z"


def summary(job_id: str) -> JobSummary:
    return JobSummary.model_validate(
        {
            "job_id": job_id,
            "user_id": "dev",
            "type": "trade",
            "state": "completed",
            "progress": 100.0,
            "step": "",
            "phases": ["plan", "execute", "report"],
            "name": "buy 1200 ACME by VWAP in 6 slices",
            "created_at": "2026-12-01T19:17:23Z",
            "updated_at": "2026-12-01T19:20:00Z",
        }
    )


def test_a_job_list_in_a_pipe_has_whole_ids_and_states(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_jobs(JobPage(items=[summary(SCHEDULED_ID)], next_cursor=None))
    row = capsys.readouterr().out.splitlines()[1]
    assert row.split()[:1] == [SCHEDULED_ID]
    for cell in ("buy 1200 ACME by VWAP in 6 slices", "trade", "completed", "100.0%"):
        assert cell in row
    assert "…" not in row
