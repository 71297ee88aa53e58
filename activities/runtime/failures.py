"""Which phase failures are final and which are worth another attempt.

Temporal retries whatever an activity raises unless it is told not to; an error that will
recur (bad input, an overflow, a value the code cannot handle) would then loop the job for
good. So every exception a phase lets out passes through ``classify``: what is known to recur
becomes a non-retryable ``ApplicationError`` with a stable ``type`` at once, and only what can
heal on its own (the network, a timeout, Redis or Temporal out of reach) or is unknown is left
to the bounded retry policy.
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx
import redis.exceptions
from pydantic import ValidationError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from jobwire.errors import InvalidSpec, JobFailed, JobwireError


class CheckpointRefused(ValueError):
    """A phase handed ``advance`` a state that would not come back the same from JSON."""


TRANSIENT: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    asyncio.TimeoutError,
    httpx.TransportError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    RPCError,
)
"""Failures of the world around the phase, not of its input: the next attempt may succeed."""

FINAL: tuple[tuple[type[BaseException], str], ...] = (
    (CheckpointRefused, "CheckpointRefused"),
    (UnicodeError, "DecodeError"),
    (json.JSONDecodeError, "DecodeError"),
    (csv.Error, "CsvError"),
    (ArithmeticError, "NumericError"),
    (TypeError, "TypeError"),
    (ValueError, "ValueError"),
    (LookupError, "LookupError"),
    (FileNotFoundError, "FileNotFound"),
    (PermissionError, "PermissionDenied"),
    (IsADirectoryError, "NotAFile"),
    (NotADirectoryError, "NotAFile"),
)
"""Failures that recur on every attempt, most specific first, each with its stable type."""


def classify(
    exc: BaseException,
    *,
    final: Sequence[type[BaseException]] = (),
    details: Sequence[Any] = (),
    retry_delay: timedelta | None = None,
) -> ApplicationError:
    """The ``ApplicationError`` Temporal should see for ``exc``: non-retryable when it will
    recur (``final`` adds the types a job type's contract declares), retryable otherwise.
    ``details`` travel with it, so a final failure still carries the checkpoint; a retryable
    one waits ``retry_delay`` (when given) before its next attempt, whatever the policy says."""
    if isinstance(exc, ApplicationError):
        return _with_delay(exc, retry_delay)
    error_type, is_final = _kind(exc, tuple(final))
    message = exc.detail if isinstance(exc, JobwireError) else str(exc) or type(exc).__name__
    return ApplicationError(
        message,
        *details,
        type=error_type,
        non_retryable=is_final,
        next_retry_delay=None if is_final else retry_delay,
    )


def _with_delay(exc: ApplicationError, delay: timedelta | None) -> ApplicationError:
    """A phase's own retryable ``ApplicationError`` backs off too, unless it chose its delay."""
    if delay is None or exc.non_retryable or exc.next_retry_delay is not None:
        return exc
    delayed = ApplicationError(
        exc.message,
        *exc.details,
        type=exc.type,
        next_retry_delay=delay,
        category=exc.category,
    )
    delayed.__cause__ = exc
    return delayed


def _kind(exc: BaseException, final: tuple[type[BaseException], ...]) -> tuple[str, bool]:
    """The stable error type, and whether the failure will recur."""
    if isinstance(exc, JobFailed):
        return exc.error_type, True
    if isinstance(exc, (InvalidSpec, ValidationError)):
        return "InvalidSpec", True
    if isinstance(exc, final):
        return type(exc).__name__, True
    if isinstance(exc, TRANSIENT):
        return type(exc).__name__, False
    for kind, error_type in FINAL:
        if isinstance(exc, kind):
            return error_type, True
    return type(exc).__name__, False
