"""Tables printed into a pipe keep whole rows: a script or ``grep`` reads them, and a person
copies job ids from them."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest
from rich.console import Console

from jobwire.cli.jobs import output
from jobwire.cli.jobs.fitted_table import Column, fitting
from jobwire.contract.records import JobPage, JobSummary, StaleJob, StaleJobs

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


def a_terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    """stdout as a terminal ``width`` columns wide, captured all the same."""
    monkeypatch.setattr(
        output,
        "stdout",
        lambda: Console(file=sys.stdout, width=width, force_terminal=True, color_system=None),
    )


def jobs_page(*later: str) -> JobPage:
    running = summary(JOB_ID).model_copy(
        update={"state": "running", "progress": 37.1, "step": "slice 3 of 6 at VWAP 101.25"}
    )
    return JobPage(items=[running, *map(summary, later)], next_cursor=None)


JOB_ID = "job-8dd8cc33-2d2d-42f2-bde6-0e32876aa3c7"


@pytest.mark.parametrize("width", [80, 100])
def test_a_job_list_in_a_narrow_terminal_leaves_columns_out_and_cuts_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int
) -> None:
    """rich alone squeezed every column: ``job-705d32ad-…`` and ``runni…`` at 80 columns."""
    a_terminal(monkeypatch, width)
    output.print_jobs(jobs_page())
    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert lines[0].split() == ["JOB", "TYPE", "STATE", "PROGRESS", *(["CREATED"] * (width > 80))]
    assert lines[1].split()[:4] == [JOB_ID, "trade", "running", "37.1%"]
    assert "…" not in printed.out and all(len(line) <= width for line in lines)
    assert "NAME, STEP" in printed.err and "--json" in printed.err


def test_a_wide_terminal_shows_every_column_and_no_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_terminal(monkeypatch, 180)
    output.print_jobs(jobs_page(SCHEDULED_ID))
    printed = capsys.readouterr()
    header = printed.out.splitlines()[0].split()
    assert header == ["JOB", "NAME", "TYPE", "STATE", "PROGRESS", "STEP", "CREATED"]
    assert "slice 3 of 6 at VWAP 101.25" in printed.out and printed.err == ""


def test_an_id_wider_than_the_terminal_is_folded_not_cut(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_terminal(monkeypatch, 40)
    output.print_jobs(JobPage(items=[summary(SCHEDULED_ID)]))
    lines = capsys.readouterr().out.splitlines()
    assert "".join(line.split()[0] for line in lines[1:]) == SCHEDULED_ID
    assert lines[1].split()[1:] == ["completed", "100.0%"]


def test_the_columns_kept_are_the_ranked_ones_in_their_own_order() -> None:
    columns = [Column("A", 0), Column("B", 2), Column("C", 1), Column("D", 0, wraps=True)]
    rows = [["a" * 10, "b" * 10, "c" * 10, "d" * 40]]
    assert fitting(columns, rows, 200) == [0, 1, 2, 3]
    assert fitting(columns, rows, 10 + 2 + 16 + 2 + 10) == [0, 2, 3], "D counts at its narrowest"
    assert fitting(columns, rows, 5) == [0, 3], "rank 0 stays whatever the width"


def test_stale_jobs_in_a_narrow_terminal_keep_id_and_silence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_terminal(monkeypatch, 60)
    heartbeat = datetime(2026, 12, 1, 19, 17, 23, tzinfo=UTC)
    stale = StaleJob(
        job_id=JOB_ID,
        phase="execute",
        attempt=2,
        worker="12345@worker-host-with-a-long-name",
        last_heartbeat_at=heartbeat,
        silent_seconds=92.5,
    )
    output.print_stale(StaleJobs(older_than_seconds=60, items=[stale]))
    printed = capsys.readouterr()
    row = printed.out.splitlines()[1].split()
    assert row[0] == JOB_ID and "92.5 s" in printed.out and "…" not in printed.out
    assert "WORKER" in printed.err
