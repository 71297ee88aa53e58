"""Brings records and specs written by an older ``schema_version`` up to the current one.

Each step is a function from version N to N+1; reading runs the steps in order, so a job
started before an upgrade stays readable after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jobwire.contract import SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], dict[str, Any]]

SPEC_MIGRATIONS: dict[int, Migration] = {}
"""``{from_version: step}``; version 1 is the first, so nothing migrates yet."""


def migrate_spec(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        return data  # left for validation to refuse with a field error
    while version < SCHEMA_VERSION:
        data = SPEC_MIGRATIONS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data
