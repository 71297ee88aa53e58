"""``jobwire fork``: a new job that reuses an ended job's finished phases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jobwire.cli.jobs.arguments import JobIdArgument, WatchFlag
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP, UsageError
from jobwire.cli.jobs.spec_options import read_json_file
from jobwire.cli.jobs.watch_view import report_and_follow
from jobwire.client.http import JobwireClient

app = typer.Typer()


@app.command("fork", epilog=EXIT_CODES_HELP)
@client_command
def fork(
    target: ApiTarget,
    job_id: JobIdArgument,
    from_phase: Annotated[
        str,
        typer.Option(
            "--from-phase",
            help="The first phase the new job runs; the ones before it are reused.",
            show_default=False,
        ),
    ],
    spec_file: Annotated[
        Path | None,
        typer.Option(
            "--spec-file",
            "-f",
            help="JSON that changes the source's spec: a partial or whole spec, merged over "
            "it (null removes a field). `-` reads stdin.",
        ),
    ] = None,
    from_checkpoint: Annotated[
        bool,
        typer.Option(
            "--from-checkpoint", help="Go on from the source's last checkpoint in that phase."
        ),
    ] = False,
    watch_it: WatchFlag = False,
) -> None:
    """Start a new job from an ended (completed, failed or cancelled) job's phase, reusing
    the outputs of the phases before it instead of running them again."""

    async def body(client: JobwireClient) -> int:
        spec = read_json_file(spec_file) if spec_file else None
        if spec is not None and not isinstance(spec, dict):
            raise UsageError(f"{spec_file} must hold a JSON object")
        job = await client.fork(job_id, from_phase, spec=spec, from_checkpoint=from_checkpoint)
        return await report_and_follow(
            client, job, verb="forked as", watch_it=watch_it, json_output=target.json
        )

    target.run(body)
