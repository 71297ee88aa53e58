"""``jobwire demo``: one job of each type from ``examples/*.json``, watched live, then where to
find the same jobs in the Temporal UI."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

from jobwire.auth.tokens import issue_token
from jobwire.cli.jobs import output
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP, UsageError, exit_code_for_states
from jobwire.cli.jobs.spec_options import read_json_file
from jobwire.cli.jobs.watch_view import follow_jobs
from jobwire.client.http import JobwireClient
from jobwire.settings import Settings

DEMO_USER = "dev"


app = typer.Typer()


def default_examples_dir() -> Path:
    """``./examples`` when run from a checkout, else the one beside the installed package."""
    here = Path("examples")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "examples"


@app.command("demo", epilog=EXIT_CODES_HELP)
@client_command
def demo(
    target: ApiTarget,
    examples: Annotated[
        Path | None,
        typer.Option("--examples", help="Folder of example specs [default: ./examples]."),
    ] = None,
) -> None:
    """Against the running `jobwire dev` stack: submit every example, watch them, link Temporal.

    Without a token it signs a development one for user 'dev' with the development secret,
    as `jobwire dev` does.
    """
    if target.settings.token is None:
        dev_token = issue_token(Settings(), DEMO_USER, ttl=timedelta(hours=1))
        target.settings = target.settings.model_copy(update={"token": SecretStr(dev_token)})
    folder = examples or default_examples_dir()

    async def body(client: JobwireClient) -> int:
        files = sorted(folder.glob("*.json"))
        if not files:
            raise UsageError(f"no example specs (*.json) in {folder}")
        jobs = []
        for path in files:
            job = await client.submit(read_json_file(path))
            jobs.append(job)
            if not target.json:
                output.print_job_line(f"submitted {path.name} as", job)
        states = await follow_jobs(client, [job.job_id for job in jobs], json_output=target.json)
        meta = await client.meta()
        if not target.json:
            console = output.stdout()
            console.print("\nThe same jobs in the Temporal UI:")
            for job in jobs:
                link = meta.temporal_link(job.job_id) or "(the server names no Temporal UI)"
                console.print(f"  {job.type:<10} {link}")
        return exit_code_for_states(states)

    target.run(body)
