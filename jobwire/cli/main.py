"""The ``jobwire`` command: one Typer app, each command group in its own module."""

from __future__ import annotations

import typer

from jobwire.cli import api_command, dev_command, jobs, setup_command, token_command, worker_command

app = typer.Typer(
    name="jobwire",
    help="Durable long-running jobs on Temporal, watched live.",
    no_args_is_help=True,
    add_completion=False,
)
api_command.register(app)
dev_command.register(app)
setup_command.register(app)
token_command.register(app)
worker_command.register(app)
jobs.register(app)


if __name__ == "__main__":
    app()
