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
