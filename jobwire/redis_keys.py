"""Redis key names of the live feed, in one place so writers and readers never disagree.

A job's events live in ``jobwire:job:{id}:events`` with stream IDs ``<seq>-0``, so a replay
from ``since`` is a plain XRANGE; ``jobwire:job:{id}:seq`` numbers them. Each user's stream
``jobwire:user:{uid}:events`` carries a copy of every event of their jobs, so an API instance
follows a user's room with one stream however many jobs the user runs.
"""

from __future__ import annotations

EVENT_FIELD = "e"
JOB_FIELD = "job"
SEQ_FIELD = "seq"
EVENTS_PUBLISHED = "jobwire:stats:events_published"
"""A running total of every event any worker appended, for the API's /metrics."""


def job_events(job_id: str) -> str:
    return f"jobwire:job:{job_id}:events"


def job_seq(job_id: str) -> str:
    return f"jobwire:job:{job_id}:seq"


def user_events(user_id: str) -> str:
    return f"jobwire:user:{user_id}:events"


def stream_id(seq: int) -> str:
    return f"{seq}-0"


def seq_of(stream_entry_id: str) -> int:
    return int(stream_entry_id.split("-", 1)[0])


def user_of_stream(stream_key: str) -> str:
    """Inverse of ``user_events`` (a user id may itself contain colons)."""
    return stream_key.removeprefix("jobwire:user:").removesuffix(":events")
