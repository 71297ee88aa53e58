"""What a client command's exit code means, in one table a script can rely on.

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

from enum import IntEnum

from jobwire.client.errors import (
    ApiError,
    Conflict,
    InvalidRequest,
    NotFound,
    RateLimited,
    Unauthorized,
)
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


class UsageError(Exception):
    """A bad flag value or spec found by the CLI itself; exits 2 with this message."""


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
