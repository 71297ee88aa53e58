"""``jobwire dev``: the whole stack on this machine until Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import PortInUse
from jobwire.cli.devstack.processes import ProcessFailed
from jobwire.settings import Settings

if TYPE_CHECKING:
    from jobwire.cli.devstack.stack import DevStack

DEV_USER = "dev"


def dev() -> None:
    """Start Temporal, Redis, a worker and the API; stop them all on Ctrl-C or SIGTERM."""
    from jobwire.cli.devstack.stack import DevStack  # a second of imports no other command needs

    console = Console(stderr=True)
    settings = Settings()
    try:
        asyncio.run(_run(DevStack(settings), console))
    except PortInUse as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except ProcessFailed as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


async def _run(stack: DevStack, console: Console) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    starting = asyncio.create_task(stack.start())
    waiting = asyncio.create_task(stopping.wait())
    with console.status("Starting Temporal, Redis, the worker and the API..."):
        done, _ = await asyncio.wait({starting, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if starting in done:
        starting.result()
        print_ready(console, stack)
        await waiting
    else:
        starting.cancel()
    console.print("Stopping...")
    await stack.stop()
    console.print("Stopped.")


def print_ready(console: Console, stack: DevStack) -> None:
    s = stack.settings
    token = issue_token(s, DEV_USER, ttl=timedelta(days=7))
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("Web console", f"{s.api_base_url}/")
    table.add_row("API docs", f"{s.api_base_url}/docs")
    table.add_row("Socket.IO", f"{s.api_base_url}/socket.io  (namespace /jobs)")
    table.add_row("Temporal UI", s.temporal_ui_base)
    table.add_row("Temporal", f"{s.temporal_address}  (namespace {s.temporal_namespace})")
    table.add_row(
        "Redis", f"{stack.redis_url}  ({stack.redis_choice.source if stack.redis_choice else '?'})"
    )
    table.add_row("Logs", str(stack.logs_dir))
    console.print("[bold green]jobwire is ready.[/bold green]")
    console.print(table)
    console.print(f"\nDevelopment token for user '{DEV_USER}' (7 days):\n{token}\n")
    console.print("Press Ctrl-C to stop everything.")
