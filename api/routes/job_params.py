"""Request parameters every /api/jobs route reads the same way, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path
from starlette.convertors import StringConvertor, register_url_convertor

from jobwire.contract.workflow_api import JOB_ID_PATTERN

MAX_SEQ = 2**53 - 1
"""The largest integer every JSON client (JavaScript included) reads exactly."""

JobId = Annotated[
    str,
    Path(
        description="The job's id (its Temporal workflow id); any other value is a 404.",
        # Published, not enforced: a string that cannot be an id is a job that does not exist.
        json_schema_extra={"pattern": JOB_ID_PATTERN},
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Repeating a POST with the same key returns the same job.",
    ),
]


COLLECTION_RESOURCES = ("stats", "stale", "actions")
"""Paths under /api/jobs that are resources of their own (the counts, the stale listing, bulk
actions): a GET or DELETE must find them unsupported (405 with their ``Allow``), not a job
that does not exist."""


class _JobSegment(StringConvertor):
    """A path segment that is not one of ``COLLECTION_RESOURCES``."""

    regex = f"(?!(?:{'|'.join(COLLECTION_RESOURCES)})$)[^/]+"


# ``/{job_id:job_segment}``: registered on import, before any route module that uses it.
register_url_convertor("job_segment", _JobSegment())
