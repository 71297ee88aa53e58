"""The server commands as one Typer group, mounted without a name so each keeps its top-level
name (``jobwire api``, ``jobwire worker``...).

Each command lives in a module of its own and imports its tier (``api``, the worker, the dev
stack) inside the function, so ``jobwire ls`` never pays for a server it does not start.
"""

from __future__ import annotations

import typer

from jobwire.cli.server.api_command import api
from jobwire.cli.server.dev_command import dev
from jobwire.cli.server.setup_command import setup
from jobwire.cli.server.token_command import token
from jobwire.cli.server.worker_command import worker

app = typer.Typer()
app.command("api")(api)
app.command("dev")(dev)
app.command("setup")(setup)
app.command("token")(token)
app.command("worker")(worker)
