"""Small rich helpers that turn records, events and problems into terminal output.

Kept apart from the commands so every command prints the same things the same way, and so
``--json`` output is one call (``print_json``) everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jobwire.cli.jobs.fitted_table import Cell, Column, fitted_table, hidden_note
from jobwire.client.errors import ApiError, format_problem
from jobwire.client.models import EventPage, JobPage, JobStats
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import ControlNote, JobError, JobRecord, StaleJobs
from jobwire.contract.states import JobState

T = TypeVar("T", bound=BaseModel)

STATE_STYLES: dict[str, str] = {
    JobState.CREATED: "cyan",
    JobState.RUNNING: "blue",
    JobState.PAUSED: "yellow",
    JobState.COMPLETED: "green",
    JobState.FAILED: "red",
    JobState.CANCELLED: "magenta",
}


PIPED_WIDTH = 240
"""Columns a table gets when stdout is not a terminal (a pipe, a file, a script): rich would
fit it into 80, cutting job ids and states to "j…" and "c…", which is no use to ``grep`` or to
whoever copies an id from it."""


def stdout() -> Console:
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    return console


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


# -- formatting ---------------------------------------------------------------------------


def format_state(state: str) -> Text:
    return Text(str(state), style=STATE_STYLES.get(state, ""))


def format_progress(progress: float) -> str:
    return f"{progress:5.1f}%"


def format_time(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def format_wait(since: datetime) -> str:
    """How long a job has waited for a worker, from when its task was scheduled."""
    waited = max(0, round((datetime.now(UTC) - since).total_seconds()))
    return f"waiting for a worker for {waited} s (since {format_time(since)})"


def format_event_line(event: JobEvent) -> Text:
    """``job-… #17 job.progress running 42.0% fetched source 3 of 8`` on one line."""
    line = Text()
    line.append(f"{format_time(event.ts)} ", style="dim")
    line.append(f"{event.job_id} ")
    line.append(f"#{event.seq} ", style="dim")
    line.append(f"{event.type.value} ", style="bold")
    line.append_text(format_state(event.state))
    line.append(f" {format_progress(event.progress)}")
    if event.step:
        line.append(f" {event.step}")
    detail = format_event_detail(event)
    if detail:
        line.append(f" ({detail})", style="dim")
    return line


def format_event_detail(event: JobEvent) -> str:
    """The part of ``data`` a person wants to read: messages, errors, recovery facts."""
    data = event.data
    if event.type is EventType.RECOVERED:
        keys = ("attempt", "from_checkpoint", "redone")
        return ", ".join(f"{key}={data[key]}" for key in keys if key in data)
    for key in ("message", "error", "reason"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and "message" in value:
            return str(value["message"])
    return ""


def format_problem_text(error: ApiError) -> str:
    return format_problem(error.problem)


def to_jsonable(value: BaseModel | Iterable[BaseModel] | dict[str, Any]) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return value
    return [item.model_dump(mode="json", by_alias=True) for item in value]


# -- printing -----------------------------------------------------------------------------


def print_json(value: BaseModel | Iterable[BaseModel] | dict[str, Any]) -> None:
    """One JSON document on stdout, plain (no colour), for scripts."""
    stdout().out(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False), highlight=False)


def print_result(value: T, *, json_output: bool, human: Callable[[T], None]) -> None:
    """``value`` as JSON for ``--json``, else as ``human`` prints it for a person."""
    if json_output:
        print_json(value)
    else:
        human(value)


def print_json_line(value: BaseModel) -> None:
    """One compact JSON object per line (``watch --json`` is JSON Lines)."""
    stdout().out(value.model_dump_json(by_alias=True), highlight=False)


def print_error(message: str, *, hint: str | None = None) -> None:
    console = stderr()
    console.print(Text("error: ", style="bold red") + Text(message))
    if hint:
        console.print(Text(hint, style="dim"))


def print_fitted(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
) -> None:
    """The table in the columns that fit the terminal, and on stderr which were left out."""
    table, hidden = fitted_table(console, columns, rows)
    console.print(table)
    if note := hidden_note(hidden):
        stderr().print(note, style="dim")


JOB_COLUMNS = (
    Column("JOB", 0),
    Column("NAME", 5, wraps=True),
    Column("TYPE", 2),
    Column("STATE", 0),
    Column("PROGRESS", 0),
    Column("STEP", 4, wraps=True),
    Column("CREATED", 3),
)
"""A job list's columns; the id, state and progress are what it is read for."""


def print_jobs(page: JobPage) -> None:
    console = stdout()
    if not page.items:
        console.print("No jobs.")
        return
    rows = [
        (
            job.job_id,
            job.name or job.summary,
            job.type,
            format_state(job.state),
            format_progress(job.progress),
            job.step,
            format_time(job.created_at),
        )
        for job in page.items
    ]
    print_fitted(console, JOB_COLUMNS, rows)
    if page.next_cursor:
        stderr().print(f"more: --cursor {page.next_cursor}", style="dim")


def print_job(
    job: JobRecord, *, temporal_link: str | None = None, worker_warning: str | None = None
) -> None:
    console = stdout()
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    rows: list[tuple[str, str | Text]] = [
        ("job", job.job_id),
        ("name", job.name or "-"),
        ("summary", job.summary or "-"),
        ("tags", ", ".join(job.tags) or "-"),
        ("type", job.type),
        ("state", format_state(job.state)),
        ("priority", f"{job.priority}  (1 runs first, 5 last)"),
        ("progress", format_progress(job.progress).strip()),
        ("step", job.step or "-"),
        ("phase", f"{job.phase or '-'}  (of {', '.join(job.phases) or '-'})"),
        ("attempt", str(job.attempt)),
        ("actions", ", ".join(action.value for action in job.allowed_actions) or "-"),
        *_what_happened(job),
        ("created", format_time(job.created_at)),
        ("started", format_time(job.started_at)),
        ("updated", format_time(job.updated_at)),
        ("finished", format_time(job.finished_at)),
        *_where_it_waits(job, temporal_link, worker_warning),
        ("spec", json.dumps(job.spec, ensure_ascii=False)),
    ]
    if job.result is not None:
        rows.append(("result", json.dumps(job.result, ensure_ascii=False)))
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)


def _what_happened(job: JobRecord) -> list[tuple[str, str | Text]]:
    """Who paused or controlled it last, its checkpoint, and how it failed, when it has them."""
    rows: list[tuple[str, str | Text]] = []
    if job.paused_by:
        rows.append(("paused by", job.paused_by))
    if job.last_control:
        rows.append(("last control", format_control(job.last_control)))
    if origin := job.forked_from:
        rows.append(("forked from", f"{origin.job_id} at {origin.phase}"))
    if cp := job.checkpoint:
        taken = format_time(cp.taken_at)
        rows.append(("checkpoint", f"{cp.phase}: {cp.position} ({cp.size_bytes} bytes, {taken})"))
    if job.error:
        rows.append(("error", Text(f"{job.error.type}: {job.error.message}", "red")))
        rows.append(("attempts", format_attempts(job.error)))
    return rows


def _where_it_waits(
    job: JobRecord, temporal_link: str | None, worker_warning: str | None
) -> list[tuple[str, str | Text]]:
    """Its Temporal UI link, and whether it waits for a worker and when one last heard of it."""
    rows: list[tuple[str, str | Text]] = []
    if temporal_link:
        rows.append(("temporal", temporal_link))
    if worker_warning and not job.state.is_terminal:
        rows.append(("workers", Text(worker_warning, "yellow")))
    if job.waiting_for_worker_since:
        rows.append(("queue wait", format_wait(job.waiting_for_worker_since)))
    if job.last_heartbeat_at:
        rows.append(("heartbeat", format_time(job.last_heartbeat_at)))
    return rows


STALE_COLUMNS = (
    Column("JOB", 0),
    Column("PHASE", 1),
    Column("ATTEMPT", 2),
    Column("SILENT", 0),
    Column("LAST HEARTBEAT", 3),
    Column("WORKER", 4),
)


def print_stale(page: StaleJobs) -> None:
    console = stdout()
    if not page.items:
        console.print(f"No running job has been silent for over {page.older_than_seconds:g} s.")
        return
    rows = [
        (
            job.job_id,
            job.phase,
            str(job.attempt),
            f"{job.silent_seconds:g} s",
            format_time(job.last_heartbeat_at),
            job.worker or "-",
        )
        for job in page.items
    ]
    print_fitted(console, STALE_COLUMNS, rows)


def format_control(note: ControlNote) -> Text:
    """Who did what when, and why: plain text, so a reason is never read as markup."""
    line = f"{note.action.value} by {note.by or 'jobwire'} at {format_time(note.at)}"
    if note.reason:
        line += f": {note.reason}"
    return Text(line)


def format_attempts(error: JobError) -> str:
    """How many tries the failing phase had, and why it stopped there, as the console says."""
    where = f" of {error.phase}" if error.phase else ""
    tries = f"{error.attempts} attempt{'s' if error.attempts != 1 else ''}{where}"
    if error.retryable:
        return f"{tries}: transient, until the attempts ran out (resume tries again)"
    return f"{tries}: final, a retry would fail the same way"


def print_job_line(verb: str, job: JobRecord) -> None:
    """``paused job-…: paused (42.0%)`` after a control or a submit."""
    line = Text(f"{verb} {job.job_id}: ")
    line.append_text(format_state(job.state))
    line.append(f" ({format_progress(job.progress).strip()})")
    stdout().print(line)


def print_events(page: EventPage) -> None:
    console = stdout()
    for event in page.events:
        console.print(format_event_line(event))
    if not page.events:
        console.print("No events.")


def print_stats(stats: JobStats) -> None:
    table = Table(box=None, pad_edge=False)
    table.add_column("BY")
    table.add_column("VALUE")
    table.add_column("JOBS", justify="right")
    for state, count in sorted(stats.by_state.items()):
        table.add_row("state", format_state(state), str(count))
    for kind, count in sorted(stats.by_type.items()):
        table.add_row("type", kind, str(count))
    table.add_row("", Text("total", style="bold"), str(stats.total))
    stdout().print(table)
