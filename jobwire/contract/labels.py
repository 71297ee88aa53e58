"""What a person calls a job: its name and tags, as every edge accepts them, and its one-line
summary.

Tags become the ``JobTags`` search attribute and the name ``JobName``, so their bounds are
those a visibility store indexes without trouble; the pattern keeps tags to what a shell, a
URL and a visibility query carry without quoting surprises.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

NAME_MAX_LENGTH = 120
TAG_MAX_LENGTH = 40
TAGS_MAX = 10
SUMMARY_MAX_LENGTH = 200
TAG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"
"""A letter or digit, then letters, digits and ``. _ : / -``: ``nightly``, ``team:risk``."""
NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
"""One printable line with at least one visible character, itself no control character: a
plain non-space class there let one through the published pattern (the fuzzer found a
schema-valid name the server refused)."""

JobName = Annotated[
    str, StringConstraints(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NAME_PATTERN)
]
JobTag = Annotated[
    str, StringConstraints(min_length=1, max_length=TAG_MAX_LENGTH, pattern=TAG_PATTERN)
]


def _distinct(tags: list[str]) -> list[str]:
    """Refuses a repeated tag, as the published ``uniqueItems`` says."""
    if len(set(tags)) != len(tags):
        raise ValueError("tags must be distinct")
    return tags


JobTags = Annotated[
    list[JobTag],
    AfterValidator(_distinct),
    Field(
        max_length=TAGS_MAX,
        json_schema_extra={"uniqueItems": True},
        description=f"Up to {TAGS_MAX} labels to find the job by (``tag`` filters, "
        f"``JobTags`` in Temporal); each up to {TAG_MAX_LENGTH} characters.",
    ),
]


def one_line(text: str, limit: int = SUMMARY_MAX_LENGTH) -> str:
    """``text`` on one line of at most ``limit`` characters: a summary is a list row, never a
    paragraph (a research question may be two thousand characters over several lines)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


STATIC_SUMMARY_MAX_BYTES = 200
"""What Temporal's UI keeps of a workflow's static summary."""


def within_bytes(text: str, limit: int = STATIC_SUMMARY_MAX_BYTES) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8 on a character boundary, marked when cut."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[: limit - len("…".encode())].decode(errors="ignore") + "…"
