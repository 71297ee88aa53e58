"""``jobwire demo``: one job of each type from ``examples/*.json``, watched live, then where to
find the same jobs in the Temporal UI."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

from jobwire.auth.tokens import issue_token
from jobwire.cli import output
from jobwire.cli.client_options import (
    EXIT_CODES_HELP,
    ConfigOption,
    Connection,
    JsonOption,
    TokenOption,
    UrlOption,
    UsageError,
    exit_code_for_states,
    read_json_file,
)
from jobwire.cli.watch_view import follow_jobs
from jobwire.client.http import JobwireClient
from jobwire.settings import Settings

DEMO_USER = "dev"


def register(app: typer.Typer) -> None:
    app.command("demo", epilog=EXIT_CODES_HELP)(demo)


def default_examples_dir() -> Path:
    """``./examples`` when run from a checkout, else the one beside the installed package."""
    here = Path("examples")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "examples"


def demo(
    ctx: typer.Context,
    examples: Annotated[
        Path | None,
        typer.Option("--examples", help="Folder of example specs [default: ./examples]."),
    ] = None,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Against the running `jobwire dev` stack: submit every example, watch them, link Temporal.

    Without a token it signs a development one for user 'dev' with the development secret,
    as `jobwire dev` does.
    """
    conn = Connection(ctx, url, token, config, json_output)
    if conn.settings.token is None:
        dev_token = issue_token(Settings(), DEMO_USER, ttl=timedelta(hours=1))
        conn.settings = conn.settings.model_copy(update={"token": SecretStr(dev_token)})
    folder = examples or default_examples_dir()

    async def body(client: JobwireClient) -> int:
        files = sorted(folder.glob("*.json"))
        if not files:
            raise UsageError(f"no example specs (*.json) in {folder}")
        jobs = []
        for path in files:
            job = await client.submit(read_json_file(path))
            jobs.append(job)
            if not json_output:
                output.print_job_line(f"submitted {path.name} as", job)
        states = await follow_jobs(client, [job.job_id for job in jobs], json_output=json_output)
        meta = await client.meta()
        if not json_output:
            console = output.stdout()
            console.print("\nThe same jobs in the Temporal UI:")
            for job in jobs:
                link = meta.temporal_link(job.job_id) or "(the server names no Temporal UI)"
                console.print(f"  {job.type:<10} {link}")
        return exit_code_for_states(states)

    conn.run(body)
