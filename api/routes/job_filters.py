"""The query parameters that narrow ``GET /api/jobs``, read once into a ``JobFilter``.

A list and a bulk action mean the same jobs by the same fields: the bulk body carries the
``JobFilter`` itself, the list these parameters (``tag`` repeated, as a URL says a list).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import ValidationError

from jobwire.contract.filters import TYPE_MAX_LENGTH, Instant, JobFilter, NamePrefix
from jobwire.contract.labels import TAGS_MAX, JobTag
from jobwire.contract.states import JobState
from jobwire.errors import InvalidSpec


def job_filter(
    *,
    state: JobState | None = None,
    type: Annotated[str | None, Query(max_length=TYPE_MAX_LENGTH)] = None,
    tag: Annotated[
        list[JobTag] | None,
        Query(
            max_length=TAGS_MAX, description="Jobs carrying this tag; repeat for all of several."
        ),
    ] = None,
    name_prefix: Annotated[
        NamePrefix | None, Query(description="Jobs whose name starts with this (case-sensitive).")
    ] = None,
    created_after: Annotated[
        Instant | None, Query(description="Jobs started at or after this RFC 3339 time.")
    ] = None,
    created_before: Annotated[
        Instant | None, Query(description="Jobs started before this RFC 3339 time.")
    ] = None,
) -> JobFilter:
    try:
        return JobFilter(
            tags=tag or [],
            name_prefix=name_prefix,
            type=type or None,
            state=state,
            created_after=created_after,
            created_before=created_before,
        )
    except ValidationError as exc:
        raise InvalidSpec.from_validation_error(exc) from exc


Filters = Annotated[JobFilter, Depends(job_filter)]
