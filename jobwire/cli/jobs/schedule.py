"""``jobwire schedule create|update|ls|show|pause|unpause|trigger|rm``: a job spec on a
timetable.

Each run is an ordinary job of yours (``jobwire ls`` lists it, ``jobwire show`` names its
schedule); the schedules themselves are Temporal Schedules, so ``temporal schedule list``
shows them too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from jobwire.cli.jobs import output
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP
from jobwire.cli.jobs.spec_options import read_json_file
from jobwire.client.http import JobwireClient
from jobwire.client.schedules import ScheduleClient, schedules_of
from jobwire.contract.schedules import Overlap, SchedulePage, ScheduleRecord

ScheduleIdArgument = Annotated[
    str, typer.Argument(help="The schedule id (schedule-…).", show_default=False)
]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", "-r", help="Why; shown as the schedule's note.")
]
Action = Callable[[ScheduleClient], Awaitable[ScheduleRecord]]

app = typer.Typer(
    help="Schedules: a job spec that runs on a cron or an interval.", epilog=EXIT_CODES_HELP
)


@app.callback(invoke_without_command=True)
@client_command
def schedules(ctx: typer.Context, target: ApiTarget) -> None:
    """Schedules: a job spec that runs on a cron or an interval (alone: as `ls`)."""
    if ctx.invoked_subcommand is None:
        _list(target)


@app.command("create", epilog=EXIT_CODES_HELP)
@client_command
def create(  # noqa: PLR0913, PLR0917 -- a command's options, each a flag of its own
    target: ApiTarget,
    file: Annotated[
        Path, typer.Option("--file", "-f", help="The job's JSON spec (`-` reads stdin).")
    ],
    cron: Annotated[
        str | None, typer.Option(help="A cron expression, e.g. '0 9 * * MON-FRI'.")
    ] = None,
    every: Annotated[
        int | None, typer.Option("--every", help="Run every this many seconds instead.")
    ] = None,
    time_zone: Annotated[str, typer.Option("--tz", help="IANA time zone of the cron.")] = "UTC",
    overlap: Annotated[
        Overlap, typer.Option(help="What a run due while the last one still runs does.")
    ] = Overlap.SKIP,
    note: Annotated[str | None, typer.Option(help="What the schedule is for.")] = None,
    paused: Annotated[bool, typer.Option("--paused", help="Create it paused.")] = False,
) -> None:
    """Create a schedule that starts the job in FILE by --cron or --every."""
    spec = read_json_file(file)
    _show_one(
        target,
        lambda schedules: schedules.create(
            spec,
            cron=cron,
            interval_seconds=every,
            time_zone=time_zone,
            overlap=overlap,
            note=note,
            paused=paused,
        ),
    )


@app.command("update", epilog=EXIT_CODES_HELP)
@client_command
def update(  # noqa: PLR0913, PLR0917 -- a command's options, each a flag of its own
    target: ApiTarget,
    schedule_id: ScheduleIdArgument,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="A new JSON spec for each run (`-` reads stdin)."),
    ] = None,
    cron: Annotated[str | None, typer.Option(help="A new cron (replaces an interval).")] = None,
    every: Annotated[
        int | None, typer.Option("--every", help="A new interval in seconds (replaces a cron).")
    ] = None,
    time_zone: Annotated[str | None, typer.Option("--tz", help="A new IANA time zone.")] = None,
    overlap: Annotated[Overlap | None, typer.Option(help="A new overlap policy.")] = None,
    note: Annotated[str | None, typer.Option(help="A new note.")] = None,
) -> None:
    """Change what the flags give; the rest of the schedule stays as it is."""
    changes = {
        "spec": read_json_file(file) if file is not None else None,
        "cron": cron,
        "interval_seconds": every,
        "time_zone": time_zone,
        "overlap": overlap.value if overlap is not None else None,
        "note": note,
    }
    given = {name: value for name, value in changes.items() if value is not None}
    _show_one(target, lambda schedules: schedules.update(schedule_id, **given))


@app.command("ls", epilog=EXIT_CODES_HELP)
@client_command
def list_schedules(target: ApiTarget) -> None:
    """Your schedules, newest first, with their next and last runs."""
    _list(target)


def _list(target: ApiTarget) -> None:
    async def body(client: JobwireClient) -> None:
        page = await schedules_of(client).list()
        output.print_result(page, json_output=target.json, human=print_schedules)

    target.run(body)


@app.command("show", epilog=EXIT_CODES_HELP)
@client_command
def show(target: ApiTarget, schedule_id: ScheduleIdArgument) -> None:
    """A schedule's timetable, job, state, next runs and recent runs (with their job ids)."""
    _show_one(target, lambda schedules: schedules.get(schedule_id))


@app.command("pause", epilog=EXIT_CODES_HELP)
@client_command
def pause(target: ApiTarget, schedule_id: ScheduleIdArgument, reason: ReasonOption = None) -> None:
    """Pause a schedule: no run starts until it is unpaused."""
    _show_one(target, lambda schedules: schedules.pause(schedule_id, reason))


@app.command("unpause", epilog=EXIT_CODES_HELP)
@client_command
def unpause(
    target: ApiTarget, schedule_id: ScheduleIdArgument, reason: ReasonOption = None
) -> None:
    """Unpause a schedule."""
    _show_one(target, lambda schedules: schedules.unpause(schedule_id, reason))


@app.command("trigger", epilog=EXIT_CODES_HELP)
@client_command
def trigger(target: ApiTarget, schedule_id: ScheduleIdArgument) -> None:
    """Start a run now; its job is the newest of the recent runs shown."""
    _show_one(target, lambda schedules: schedules.trigger(schedule_id))


@app.command("rm", epilog=EXIT_CODES_HELP)
@client_command
def remove(target: ApiTarget, schedule_id: ScheduleIdArgument) -> None:
    """Delete a schedule; the jobs it started stay."""

    async def body(client: JobwireClient) -> None:
        await schedules_of(client).delete(schedule_id)
        if target.json:
            output.print_json({"deleted": schedule_id})
        else:
            output.stdout().print(Text(f"deleted: {schedule_id}"))

    target.run(body)


def _show_one(target: ApiTarget, action: Action) -> None:
    async def body(client: JobwireClient) -> None:
        record = await action(schedules_of(client))
        output.print_result(record, json_output=target.json, human=print_schedule)

    target.run(body)


def format_timetable(schedule: ScheduleRecord) -> str:
    if schedule.cron is not None:
        return f"cron {schedule.cron} ({schedule.time_zone})"
    return f"every {schedule.interval_seconds} s"


def print_schedules(page: SchedulePage) -> None:
    console = output.stdout()
    if not page.items:
        console.print("No schedules.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("SCHEDULE", "TYPE", "WHEN", "STATE", "NEXT RUN", "LAST JOB"):
        table.add_column(column, no_wrap=True)
    for item in page.items:
        table.add_row(
            item.schedule_id,
            item.type,
            format_timetable(item),
            Text("paused", style="yellow") if item.paused else Text("active", style="green"),
            output.format_time(item.next_runs[0] if item.next_runs else None),
            item.recent_runs[-1].job_id if item.recent_runs else "—",
        )
    console.print(table)


def print_schedule(schedule: ScheduleRecord) -> None:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    rows: list[tuple[str, str]] = [
        ("schedule", schedule.schedule_id),
        ("job type", schedule.type),
        ("when", format_timetable(schedule)),
        ("overlap", schedule.overlap.value),
        ("state", "paused" if schedule.paused else "active"),
        ("note", schedule.note or "—"),
        ("temporal note", schedule.state_note or "—"),
        ("runs so far", str(schedule.runs)),
    ]
    rows += [("next run", output.format_time(at)) for at in schedule.next_runs[:3]]
    rows += [
        ("ran", f"{run.job_id} (due {output.format_time(run.scheduled_at)})")
        for run in schedule.recent_runs
    ]
    for name, value in rows:
        table.add_row(name, value)
    output.stdout().print(table)
