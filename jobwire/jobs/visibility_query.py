"""Visibility queries and list cursors: the strings and tokens jobwire hands Temporal.

User ids come from tokens and job types from requests, so every literal is escaped here and
nowhere else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from jobwire.contract.filters import JobFilter
from jobwire.contract.states import JobState
from jobwire.contract.workflow_api import (
    SA_NAME,
    SA_STATE,
    SA_TAGS,
    SA_TYPE,
    SA_USER_ID,
    WORKFLOW_NAME,
)
from jobwire.errors import InvalidSpec
from jobwire.settings import Settings

JOBS_ONLY = f"WorkflowType = '{WORKFLOW_NAME}' AND ExecutionStatus != 'ContinuedAsNew'"
"""Keeps other workflows on a shared namespace out of every list and count, and a job that
continued as new to its latest run: each earlier run is closed as ``ContinuedAsNew``."""

_MAC_BYTES = 16
"""128 bits of HMAC-SHA256: forging a cursor takes 2**128 guesses."""

CURSOR_PATTERN = "^[A-Za-z0-9_-]+$"
"""What a cursor looks like: unpadded URL-safe base64."""


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


def filtered_jobs(user_id: str, job_filter: JobFilter) -> str:
    """``user_jobs`` narrowed by every field of ``job_filter``: a tag is ``JobTags = 'x'``
    (a keyword list holds it), a name prefix ``STARTS_WITH`` (Temporal Server 1.24 or later
    on SQL stores, any Elasticsearch), a time range ``StartTime`` bounds."""
    clauses = [user_jobs(user_id, state=job_filter.state, type=job_filter.type)]
    clauses += [f"{SA_TAGS.name} = {quote(tag)}" for tag in job_filter.tags]
    if job_filter.name_prefix is not None:
        clauses.append(f"{SA_NAME.name} STARTS_WITH {quote(job_filter.name_prefix)}")
    if job_filter.created_after is not None:
        clauses.append(f"StartTime >= {quote(_instant(job_filter.created_after))}")
    if job_filter.created_before is not None:
        clauses.append(f"StartTime < {quote(_instant(job_filter.created_before))}")
    return " AND ".join(clauses)


def _instant(moment: datetime) -> str:
    """RFC 3339 in UTC, as every visibility store parses it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def jobs_of_type_in_state(type: str, state: str) -> str:
    """Every user's jobs of one type in one state, for metrics."""
    return f"{JOBS_ONLY} AND {SA_TYPE.name} = {quote(type)} AND {SA_STATE.name} = {quote(state)}"


class CursorSigner:
    """Seals Temporal's page tokens into list cursors only this server accepts.

    A cursor is Temporal's token behind an HMAC over the token and the query it pages, so a
    forged, truncated or another user's cursor is refused here, at once, instead of costing
    Temporal's retries (and, on some servers, a 500) to find out.
    """

    def __init__(self, secret: bytes) -> None:
        # A key of its own, derived from the server's secret: a cursor never doubles as a token.
        self._key = hmac.new(secret, b"jobwire list cursor v1", hashlib.sha256).digest()

    @classmethod
    def for_settings(cls, settings: Settings) -> CursorSigner:
        """From ``cursor_secret``, else the secret that signs tokens; with neither (RS256 and
        no private key) a key of this process alone, whose cursors no other replica accepts."""
        secret = settings.cursor_secret or (
            settings.jwt_private_key if settings.jwt_algorithm == "RS256" else None
        )
        if secret is not None:
            return cls(secret.get_secret_value().encode())
        if settings.jwt_algorithm == "HS256":
            return cls(settings.jwt_signing_secret.encode())
        return cls(secrets.token_bytes(32))

    def _mac(self, query: str, token: bytes) -> bytes:
        message = len(query).to_bytes(4, "big") + query.encode() + token
        return hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]

    def seal(self, query: str, token: bytes | None) -> str | None:
        """The cursor for the page after this one, or None on the last page."""
        if not token:
            return None
        return base64.urlsafe_b64encode(self._mac(query, token) + token).decode().rstrip("=")

    def open(self, query: str, cursor: str | None) -> bytes | None:
        """Temporal's token inside ``cursor``; ``InvalidSpec`` unless this server sealed it for
        this very query."""
        if not cursor:
            return None
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError):
            raw = b""
        mac, token = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        if not token or not hmac.compare_digest(mac, self._mac(query, token)):
            raise InvalidSpec("cursor is not one this server issued", field="cursor")
        return token
