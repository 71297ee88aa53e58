"""``jobwire watch``: follow jobs live until each has finished."""

from __future__ import annotations

from typing import Annotated

import typer

from jobwire.cli.jobs import output
from jobwire.cli.jobs.arguments import JobIdsArgument
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP, exit_code_for_states
from jobwire.cli.jobs.watch_view import follow_jobs
from jobwire.client.http import JobwireClient

app = typer.Typer()


@app.command("watch", epilog=EXIT_CODES_HELP)
@client_command
def watch(
    target: ApiTarget,
    job_ids: JobIdsArgument,
    since: Annotated[
        int, typer.Option("--since", min=0, help="Replay events after this seq first.")
    ] = 0,
) -> None:
    """Follow jobs live until each has finished: progress bars, current step, log of steps.

    With --json, prints one event per line (JSON Lines). Survives a restarted API: it
    reconnects and resumes where it stopped, without losing or repeating an event.
    """

    async def body(client: JobwireClient) -> int:
        await warn_without_workers(client)
        states = await follow_jobs(
            client, list(dict.fromkeys(job_ids)), json_output=target.json, since=since
        )
        return exit_code_for_states(states)

    target.run(body)


async def warn_without_workers(client: JobwireClient) -> None:
    """Says on stderr why a job may not move before following it; a server that cannot say
    leaves the watch as it was."""
    try:
        warning = (await client.meta()).worker_warning()
    except Exception:  # the warning is a nicety; the watch itself goes on
        return
    if warning:
        output.stderr().print(f"[yellow]{warning}[/yellow]")
