"""``jobwire token``: a signed JWT for development and scripts."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from jobwire.auth.tokens import InvalidToken, issue_token
from jobwire.settings import Settings


def token(
    sub: Annotated[str, typer.Option("--sub", help="The user the token speaks for.")],
    ttl: Annotated[
        int | None, typer.Option("--ttl", help="Seconds until it expires.", min=1)
    ] = None,
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="Extra scopes, e.g. admin.")
    ] = None,
) -> None:
    """Print a JWT signed with the configured secret or private key."""
    settings = Settings()
    try:
        signed = issue_token(
            settings,
            sub,
            ttl=timedelta(seconds=ttl) if ttl else None,
            scopes=list(scope or []),
        )
    except InvalidToken as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(signed)
