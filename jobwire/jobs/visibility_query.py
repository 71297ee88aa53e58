"""Visibility queries and list cursors: the strings and tokens jobwire hands Temporal.

User ids come from tokens and job types from requests, so every literal is escaped here and
nowhere else.
"""

from __future__ import annotations

import base64
import binascii

from jobwire.contract.states import JobState
from jobwire.contract.workflow_api import SA_STATE, SA_TYPE, SA_USER_ID, WORKFLOW_NAME
from jobwire.errors import InvalidSpec

JOBS_ONLY = f"WorkflowType = '{WORKFLOW_NAME}'"
"""Keeps other workflows on a shared namespace out of every list and count."""


def quote(value: str) -> str:
    """A visibility-query string literal; user ids come from tokens, so escape everything."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def user_jobs(user_id: str, *, state: JobState | None = None, type: str | None = None) -> str:
    """The query for ``user_id``'s jobs, narrowed to a state and a (known) type if given."""
    clauses = [JOBS_ONLY, f"{SA_USER_ID.name} = {quote(user_id)}"]
    if state is not None:
        clauses.append(f"{SA_STATE.name} = {quote(state.value)}")
    if type is not None:
        clauses.append(f"{SA_TYPE.name} = {quote(type)}")
    return " AND ".join(clauses)


def jobs_of_type_in_state(type: str, state: str) -> str:
    """Every user's jobs of one type in one state, for metrics."""
    return f"{JOBS_ONLY} AND {SA_TYPE.name} = {quote(type)} AND {SA_STATE.name} = {quote(state)}"


def decode_cursor(cursor: str | None) -> bytes | None:
    if not cursor:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode())
    except (binascii.Error, ValueError):
        raise InvalidSpec("cursor is not one this server issued", field="cursor") from None


def encode_cursor(token: bytes | None) -> str | None:
    return base64.urlsafe_b64encode(token).decode() if token else None
