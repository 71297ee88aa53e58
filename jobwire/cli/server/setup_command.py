"""``jobwire setup``: prepares a Temporal namespace (search attributes, retention) for jobwire."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer

from jobwire.settings import Settings


def setup(
    wait: Annotated[
        bool, typer.Option("--wait", help="Retry for up to two minutes until Temporal is up.")
    ] = False,
) -> None:
    """Register jobwire's search attributes on the configured namespace and set how long it
    keeps ended jobs (JOBWIRE_WORKFLOW_RETENTION_DAYS); safe to repeat."""
    from jobwire.connections.temporal_setup import (
        connect_when_up,
        ensure_search_attributes,
        set_retention,
    )

    settings = Settings()
    namespace = settings.temporal_namespace

    async def run() -> tuple[list[str], timedelta]:
        client = await connect_when_up(settings, attempts=60 if wait else 1)
        added = await ensure_search_attributes(client, namespace)
        kept = await set_retention(client, namespace, settings.workflow_retention_days)
        return added, kept

    added, kept = asyncio.run(run())
    if added:
        typer.echo(f"added search attributes to {namespace}: {', '.join(added)}")
    else:
        typer.echo(f"search attributes already present in {namespace}")
    typer.echo(f"{namespace} keeps ended jobs for {kept.days} days")
