"""What every client command shares: connection options, exit codes and error handling.

Exit codes (also in ``jobwire <command> --help`` epilogs):

==== =====================================================================
0    done; for ``watch``/``demo``/``--watch``: every watched job completed
1    an unexpected error
2    bad usage: unknown flag, bad value, unreadable or invalid spec (also a 422)
3    a watched job failed
4    a watched job was cancelled (and none failed)
5    no such job (404; another user's job looks the same)
6    the action is not allowed in the job's state (409)
7    not authorised: token missing, invalid or expired (401/403)
8    the server or its live feed cannot be reached
9    rate limited (429)
130  interrupted (Ctrl-C)
==== =====================================================================
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from jobwire.cli import output
from jobwire.client.config import ClientSettings
from jobwire.client.errors import (
    ApiError,
    Conflict,
    FeedUnavailable,
    InvalidRequest,
    NotFound,
    RateLimited,
    ServerUnreachable,
    Unauthorized,
)
from jobwire.client.http import JobwireClient
from jobwire.contract.states import JobState


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    JOB_FAILED = 3
    JOB_CANCELLED = 4
    NOT_FOUND = 5
    CONFLICT = 6
    UNAUTHORIZED = 7
    UNREACHABLE = 8
    RATE_LIMITED = 9
    INTERRUPTED = 130


EXIT_CODES_HELP = (
    "Exit codes: 0 ok (watched jobs completed) · 2 bad usage or spec · 3 a job failed · "
    "4 a job was cancelled · 5 no such job · 6 not allowed in this state · 7 not authorised · "
    "8 server unreachable · 9 rate limited · 130 interrupted."
)

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

ClientFactory = Callable[[ClientSettings], JobwireClient]
"""How commands make their client; tests hand in one over a mock transport as ``obj``."""


class UsageError(Exception):
    """A bad flag value or spec found by the CLI itself; exits 2 with this message."""


class Connection:
    """The resolved ``--url``/``--token``/``--config`` of one command run."""

    def __init__(
        self,
        ctx: typer.Context,
        url: str | None,
        token: str | None,
        config: Path | None,
        json_output: bool = False,
    ) -> None:
        self.json = json_output
        try:
            self.settings = ClientSettings.load(config, url=url, token=token)
        except ValidationError as exc:
            output.print_error(f"bad client configuration: {exc}")
            raise typer.Exit(ExitCode.USAGE) from None
        factory = ctx.obj if callable(ctx.obj) else None
        self._factory: ClientFactory = factory or JobwireClient.from_settings

    def client(self) -> JobwireClient:
        return self._factory(self.settings)

    def run(self, body: Callable[[JobwireClient], Awaitable[int | None]]) -> None:
        """Runs ``body`` with a client; maps every expected error to a message and exit code."""
        code = run_async(self._with_client(body), json_output=self.json, url=self.settings.url)
        raise typer.Exit(code)

    async def _with_client(self, body: Callable[[JobwireClient], Awaitable[int | None]]) -> int:
        async with self.client() as client:
            return await body(client) or ExitCode.OK


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


def exit_code_for(error: ApiError) -> ExitCode:
    mapping: list[tuple[type[ApiError], ExitCode]] = [
        (InvalidRequest, ExitCode.USAGE),
        (NotFound, ExitCode.NOT_FOUND),
        (Conflict, ExitCode.CONFLICT),
        (Unauthorized, ExitCode.UNAUTHORIZED),
        (RateLimited, ExitCode.RATE_LIMITED),
    ]
    for kind, code in mapping:
        if isinstance(error, kind):
            return code
    return ExitCode.ERROR


def exit_code_for_states(states: list[JobState]) -> ExitCode:
    """A failed job outweighs a cancelled one; otherwise the watch ended well."""
    if JobState.FAILED in states:
        return ExitCode.JOB_FAILED
    if JobState.CANCELLED in states:
        return ExitCode.JOB_CANCELLED
    return ExitCode.OK


def read_json_file(path: Path) -> Any:
    """A spec file's JSON (``-`` reads stdin); a ``UsageError`` that says what is wrong."""
    import json
    import sys

    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc}") from None
