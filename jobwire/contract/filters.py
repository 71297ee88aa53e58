"""Which of a user's jobs a list or a bulk action means: one model, whichever edge it came from.

Every field narrows the set (tags: the job carries all of them); each becomes a clause of a
Temporal visibility query in ``jobwire.jobs.visibility_query``, never a filter applied after
the fact, so a page is always full and a cursor pages the same set.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from jobwire.contract.labels import NAME_MAX_LENGTH, NAME_PATTERN, TAGS_MAX, JobTag
from jobwire.contract.states import JobState

TYPE_MAX_LENGTH = 64
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}")


def _rfc3339(value: Any) -> Any:
    """Only what the schema's ``date-time`` says: pydantic would read ``0.5`` as a Unix time."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("expected an RFC 3339 date-time, e.g. 2026-01-31T09:00:00Z")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]

NamePrefix = Annotated[
    str, StringConstraints(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NAME_PATTERN)
]


class JobFilter(BaseModel):
    """Jobs of one user that match every given field; none given means all of them."""

    model_config = ConfigDict(extra="forbid")

    tags: list[JobTag] = Field(
        default_factory=list, max_length=TAGS_MAX, description="Jobs carrying every one of these."
    )
    name_prefix: NamePrefix | None = Field(
        default=None, description="Jobs whose name starts with this (case-sensitive)."
    )
    type: Annotated[str, StringConstraints(min_length=1, max_length=TYPE_MAX_LENGTH)] | None = None
    state: JobState | None = None
    created_after: Instant | None = Field(
        default=None, description="Jobs whose current run started at or after this time."
    )
    created_before: Instant | None = Field(
        default=None, description="Jobs whose current run started before this time."
    )

    def is_empty(self) -> bool:
        return self == JobFilter()
