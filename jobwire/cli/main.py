"""The root ``jobwire`` app: it mounts the command groups and holds no command of its own."""

from __future__ import annotations

import typer

from jobwire.cli.jobs.group import client_app
from jobwire.cli.server.group import app as server_app

app = typer.Typer(
    name="jobwire",
    help="Durable long-running jobs on Temporal, watched live.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(server_app)
app.add_typer(client_app())


if __name__ == "__main__":
    app()
