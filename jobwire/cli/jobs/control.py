"""The commands that change a job: ``pause``, ``resume``, ``cancel`` and ``restart``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from jobwire.cli.jobs import output
from jobwire.cli.jobs.arguments import JobIdsArgument, SomeJobId, SomeJobIds, WatchFlag
from jobwire.cli.jobs.bulk import NEITHER, apply_to_picked
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP, ExitCode
from jobwire.cli.jobs.filter_options import Picked, filterable
from jobwire.cli.jobs.spec_options import read_json_file
from jobwire.cli.jobs.watch_view import report_and_follow
from jobwire.client.http import JobwireClient
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobAction

Action = Callable[[JobwireClient, str], Awaitable[JobRecord]]
ReasonOption = Annotated[
    str | None,
    typer.Option(
        "--reason", "-r", help="Why; kept with your name in the job's history and events."
    ),
]

app = typer.Typer()


@app.command("pause", epilog=EXIT_CODES_HELP)
@client_command
@filterable
def pause(
    target: ApiTarget, picked: Picked, job_ids: SomeJobIds = None, reason: ReasonOption = None
) -> None:
    """Pause jobs at their next checkpoint (resume continues from it): by id, or every job
    the filter flags pick."""
    if picked.given:
        apply_to_picked(target, JobAction.PAUSE, job_ids, picked, reason)
        return
    _apply(target, _named(job_ids), "pause", lambda client, job_id: client.pause(job_id, reason))


@app.command("resume", epilog=EXIT_CODES_HELP)
@client_command
@filterable
def resume(
    target: ApiTarget, picked: Picked, job_ids: SomeJobIds = None, reason: ReasonOption = None
) -> None:
    """Resume paused jobs (or a failed one) from the last checkpoint: by id, or every job
    the filter flags pick."""
    if picked.given:
        apply_to_picked(target, JobAction.RESUME, job_ids, picked, reason)
        return
    _apply(target, _named(job_ids), "resume", lambda client, job_id: client.resume(job_id, reason))


@app.command("cancel", epilog=EXIT_CODES_HELP)
@client_command
@filterable
def cancel(
    target: ApiTarget, picked: Picked, job_ids: SomeJobIds = None, reason: ReasonOption = None
) -> None:
    """Cancel jobs: by id, or every job the filter flags pick."""
    if picked.given:
        apply_to_picked(target, JobAction.CANCEL, job_ids, picked, reason)
        return
    _apply(target, _named(job_ids), "cancel", lambda client, job_id: client.cancel(job_id, reason))


def _named(job_ids: list[str] | None) -> list[str]:
    if not job_ids:
        output.print_error(NEITHER)
        raise typer.Exit(ExitCode.USAGE)
    return job_ids


def _apply(target: ApiTarget, job_ids: list[str], verb: str, action: Action) -> None:
    """Applies ``action`` to each job in turn; the first refusal stops the rest."""

    async def body(client: JobwireClient) -> None:
        done = []
        for job_id in job_ids:
            job = await action(client, job_id)
            done.append(job)
            if not target.json:
                output.print_job_line(f"{verb}:", job)
        if target.json:
            output.print_json(done if len(done) > 1 else done[0])

    target.run(body)


@app.command("restart", epilog=EXIT_CODES_HELP)
@client_command
@filterable
def restart(
    target: ApiTarget,
    picked: Picked,
    job_id: SomeJobId = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="An amended JSON spec for the new run."),
    ] = None,
    watch_it: WatchFlag = False,
    reason: ReasonOption = None,
) -> None:
    """Start a fresh run of a finished job, from its original or an amended spec; with filter
    flags, a fresh run of every job they pick, each from its original spec."""
    if picked.given:
        if file or watch_it:
            output.print_error("--file and --watch restart one job, not a filtered set")
            raise typer.Exit(ExitCode.USAGE)
        apply_to_picked(target, JobAction.RESTART, [job_id] if job_id else None, picked, reason)
        return
    single = _named([job_id] if job_id else None)[0]

    async def body(client: JobwireClient) -> int:
        spec = read_json_file(file) if file else None
        job = await client.restart(single, spec, reason)
        return await report_and_follow(
            client, job, verb="restarted as", watch_it=watch_it, json_output=target.json
        )

    target.run(body)


@app.command("rm", epilog=EXIT_CODES_HELP)
@client_command
def remove(
    target: ApiTarget,
    job_ids: JobIdsArgument,
    force: Annotated[
        bool, typer.Option("--force", help="Cancel a running job first, then delete it.")
    ] = False,
) -> None:
    """Delete ended jobs for good: from Temporal and from the live feed."""

    async def body(client: JobwireClient) -> None:
        for job_id in job_ids:
            await client.delete(job_id, force=force)
            if not target.json:
                output.stdout().print(Text(f"deleted: {job_id}"))
        if target.json:
            output.print_json({"deleted": job_ids})

    target.run(body)
