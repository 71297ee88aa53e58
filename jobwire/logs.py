"""Logging set-up for every jobwire process.

Production writes one JSON object per line (python-json-logger) so log shippers index fields
such as ``job_id``; development writes readable lines with the same fields appended. Code logs
with ``logger.info("...", extra={"job_id": job_id})`` and never builds its own format.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from jobwire.settings import Settings

CONTEXT_FIELDS = ("job_id", "user_id", "phase", "attempt", "seq")


class ReadableFormatter(logging.Formatter):
    """``time level logger: message job_id=... phase=...`` for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{name}={getattr(record, name)}" for name in CONTEXT_FIELDS if hasattr(record, name)
        )
        return f"{line} {context}" if context else line


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(ReadableFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # Temporal's worker logs every poll at DEBUG; keep our own level for our own loggers.
    logging.getLogger("temporalio").setLevel(max(root.level, logging.INFO))


class OneLineErrors(logging.Filter):
    """python-engineio and python-socketio log a malformed packet from a client with its whole
    traceback (anyone could fill the log that way): here it becomes one line, with the error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {str(error)[:200]}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def one_line_errors(*logger_names: str) -> None:
    """Logs of these loggers (a library's that clients can trigger) keep no tracebacks."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLineErrors) for f in logger.filters):
            logger.addFilter(OneLineErrors())
