"""The reading commands: ``ls``, ``show``, ``stale``, ``events`` and ``stats``; none of them
changes a job."""

from __future__ import annotations

from typing import Annotated

import typer

from jobwire.cli.jobs import output
from jobwire.cli.jobs.arguments import JobIdArgument
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP
from jobwire.cli.jobs.filter_options import (
    NameOption,
    SinceOption,
    StateOption,
    TagOption,
    TypeOption,
    job_filter,
)
from jobwire.client.http import JobwireClient
from jobwire.contract.records import PAGE_SIZE_MAX

app = typer.Typer()


@app.command("ls", epilog=EXIT_CODES_HELP)
@client_command
def list_jobs(  # noqa: PLR0913, PLR0917 -- each a flag a user types
    target: ApiTarget,
    state: StateOption = None,
    job_type: TypeOption = None,
    tags: TagOption = None,
    name: NameOption = None,
    since: SinceOption = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=PAGE_SIZE_MAX, help="Page size.")
    ] = 20,
    cursor: Annotated[str | None, typer.Option("--cursor", help="Next page from `ls`.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Follow every page.")] = False,
) -> None:
    """List your jobs, newest first (running ones before finished ones)."""

    async def body(client: JobwireClient) -> None:
        chosen = job_filter(tags=tags, name=name, job_type=job_type, state=state, since=since)
        page = await client.list_jobs(job_filter=chosen, limit=limit, cursor=cursor)
        if every:
            while page.next_cursor:
                more = await client.list_jobs(
                    job_filter=chosen, limit=limit, cursor=page.next_cursor
                )
                page = more.model_copy(update={"items": page.items + more.items})
        output.print_result(page, json_output=target.json, human=output.print_jobs)

    target.run(body)


@app.command("show", epilog=EXIT_CODES_HELP)
@client_command
def show(target: ApiTarget, job_id: JobIdArgument) -> None:
    """Show one job: state, progress, step, checkpoint, allowed actions, result or error."""

    async def body(client: JobwireClient) -> None:
        job = await client.get_job(job_id)
        if target.json:
            output.print_json(job)
            return
        try:
            meta = await client.meta()
        except Exception:  # the link and worker note are niceties; the job itself is shown
            meta = None
        output.print_job(
            job,
            temporal_link=meta.temporal_link(job_id) if meta else None,
            worker_warning=meta.worker_warning() if meta else None,
        )

    target.run(body)


@app.command("stale", epilog=EXIT_CODES_HELP)
@client_command
def stale(
    target: ApiTarget,
    older_than: Annotated[
        float | None,
        typer.Option(
            "--older-than",
            min=0.001,
            help="Seconds without a heartbeat (default: the server's stale_heartbeat_seconds).",
        ),
    ] = None,
) -> None:
    """List your running jobs whose phase has gone silent: its worker died or hangs."""

    async def body(client: JobwireClient) -> None:
        page = await client.stale_jobs(older_than)
        output.print_result(page, json_output=target.json, human=output.print_stale)

    target.run(body)


@app.command("events", epilog=EXIT_CODES_HELP)
@client_command
def events(
    target: ApiTarget,
    job_id: JobIdArgument,
    since: Annotated[int, typer.Option("--since", min=0, help="Only events after this seq.")] = 0,
) -> None:
    """Print a job's recorded events after --since."""

    async def body(client: JobwireClient) -> None:
        page = await client.events(job_id, since=since)
        output.print_result(page, json_output=target.json, human=output.print_events)

    target.run(body)


@app.command("stats", epilog=EXIT_CODES_HELP)
@client_command
def stats(target: ApiTarget) -> None:
    """Count your jobs by state and by type."""

    async def body(client: JobwireClient) -> None:
        counts = await client.stats()
        output.print_result(counts, json_output=target.json, human=output.print_stats)

    target.run(body)
