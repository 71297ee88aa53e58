"""``jobwire setup``: prepares a Temporal namespace (search attributes) for jobwire."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from jobwire.settings import Settings


def setup(
    wait: Annotated[
        bool, typer.Option("--wait", help="Retry for up to two minutes until Temporal is up.")
    ] = False,
) -> None:
    """Register jobwire's search attributes on the configured namespace (safe to repeat)."""
    from jobwire.connections.temporal_setup import connect_when_up, ensure_search_attributes

    settings = Settings()

    async def run() -> list[str]:
        client = await connect_when_up(settings, attempts=60 if wait else 1)
        return await ensure_search_attributes(client, settings.temporal_namespace)

    added = asyncio.run(run())
    namespace = settings.temporal_namespace
    if added:
        typer.echo(f"added search attributes to {namespace}: {', '.join(added)}")
    else:
        typer.echo(f"search attributes already present in {namespace}")
