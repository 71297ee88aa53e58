"""The options every client command shares, declared once, and the API target they resolve to.

``--url``/``--token``/``--config`` (else ``JOBWIRE_URL``/``JOBWIRE_TOKEN``, else
``~/.config/jobwire/config.toml``) and ``--json`` are added to each command by
``@client_command`` rather than by a group callback, because a callback's options would have to
come before the command name and ``jobwire ls --json --url X`` must keep working. The command
itself declares ``target: ApiTarget`` and gets the resolved options in that one object.
Exit codes: see ``exit_codes``.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from jobwire.cli.jobs import output
from jobwire.cli.jobs.exit_codes import ExitCode, UsageError, exit_code_for
from jobwire.cli.jobs.signatures import keyword, resolved_parameters, with_signature
from jobwire.client.config import ClientSettings
from jobwire.client.errors import ApiError, FeedUnavailable, ServerUnreachable, Unauthorized
from jobwire.client.http import JobwireClient

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url", help="API base URL (else env JOBWIRE_URL, else config file).", show_default=False
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token", help="Bearer JWT (else env JOBWIRE_TOKEN, else config file).", show_default=False
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="TOML file with url and token (default ~/.config/jobwire/config.toml).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

SHARED_OPTIONS = [
    keyword("url", UrlOption, None),
    keyword("token", TokenOption, None),
    keyword("config", ConfigOption, None),
    keyword("json_output", JsonOption, False),
]
TARGET = "target"

ClientFactory = Callable[[ClientSettings], JobwireClient]
"""How commands make their client; tests hand in one over a mock transport as ``obj``."""

Body = Callable[[JobwireClient], Awaitable[int | None]]


class ApiTarget:
    """The jobwire API one command run talks to: its resolved settings, the ``--json`` choice,
    and how to make a client for it."""

    def __init__(
        self,
        ctx: typer.Context,
        url: str | None,
        token: str | None,
        config: Path | None,
        json_output: bool = False,
    ) -> None:
        self.json = json_output
        self._given = (config, url, token)
        factory = ctx.obj if callable(ctx.obj) else None
        self._factory: ClientFactory = factory or JobwireClient.from_settings

    @functools.cached_property
    def settings(self) -> ClientSettings:
        """Read on first use, so a group callback that hands over to a subcommand never reads
        a configuration it does not use."""
        config, url, token = self._given
        try:
            return ClientSettings.load(config, url=url, token=token)
        except ValidationError as exc:
            output.print_error(f"bad client configuration: {exc}")
            raise typer.Exit(ExitCode.USAGE) from None

    def client(self) -> JobwireClient:
        return self._factory(self.settings)

    def run(self, body: Body) -> None:
        """Runs ``body`` with a client; maps every expected error to a message and exit code."""
        code = run_async(self._with_client(body), json_output=self.json, url=self.settings.url)
        raise typer.Exit(code)

    async def _with_client(self, body: Body) -> int:
        async with self.client() as client:
            return await body(client) or ExitCode.OK


def client_command(function: Callable[..., None]) -> Callable[..., None]:
    """Adds the shared options to ``function``'s signature and calls it with ``target=``.

    ``function`` takes ``target: ApiTarget`` and, if it wants one, ``ctx: typer.Context``.
    """
    own = [p for p in resolved_parameters(function) if p.name != TARGET]
    names = {p.name for p in own}
    clash = names & {p.name for p in SHARED_OPTIONS}
    if clash:
        raise TypeError(f"{function.__name__} declares shared client options itself: {clash}")
    wants_ctx = "ctx" in names
    context = [] if wants_ctx else [keyword("ctx", typer.Context)]

    @functools.wraps(function)
    def command(**values: Any) -> None:
        ctx = values["ctx"] if wants_ctx else values.pop("ctx")
        shared = {p.name: values.pop(p.name) for p in SHARED_OPTIONS}
        function(**values, target=ApiTarget(ctx, **shared))

    return with_signature(command, [*context, *own, *SHARED_OPTIONS])


def run_async(coro: Awaitable[int], *, json_output: bool, url: str) -> int:
    try:
        return asyncio.run(_as_coroutine(coro))
    except KeyboardInterrupt:
        output.print_error("interrupted")
        return ExitCode.INTERRUPTED
    except UsageError as exc:
        output.print_error(str(exc))
        return ExitCode.USAGE
    except ApiError as exc:
        report_problem(exc, json_output=json_output)
        return exit_code_for(exc)
    except ServerUnreachable as exc:
        output.print_error(str(exc), hint="Is the API running? Set --url or JOBWIRE_URL.")
        return ExitCode.UNREACHABLE
    except FeedUnavailable as exc:
        output.print_error(f"live feed at {url} unavailable: {exc}")
        return ExitCode.UNREACHABLE


async def _as_coroutine(awaitable: Awaitable[int]) -> int:
    return await awaitable


def report_problem(error: ApiError, *, json_output: bool) -> None:
    if json_output:
        output.stderr().out(error.problem.model_dump_json(exclude_none=True), highlight=False)
        return
    hint = None
    if isinstance(error, Unauthorized):
        hint = "Pass --token, set JOBWIRE_TOKEN, or get one with `jobwire token --sub NAME`."
    output.print_error(output.format_problem_text(error), hint=hint)
