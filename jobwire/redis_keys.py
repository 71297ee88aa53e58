"""Redis key names of the live feed, in one place so writers and readers never disagree.

A job's keys share one hash tag (``{<job id>}``), so the script that numbers an event and
appends it touches a single hash slot and runs unchanged on Redis Cluster. Its events live in
``jobwire:job:{id}:events`` with stream IDs ``<seq>-0``, so a replay from ``since`` is a plain
XRANGE; ``jobwire:job:{id}:seq`` numbers them and ``jobwire:job:{id}:record`` holds the
record they fold into. Every event is also appended, in a second and
separate step, to the one feed stream ``jobwire:feed`` that each API instance follows: one
blocking read however many users are connected, and a single key (so a single slot) on a
cluster, where a read over many users' streams would span slots.
"""

from __future__ import annotations

EVENT_FIELD = "e"
JOB_FIELD = "job"
USER_FIELD = "user"
SEQ_FIELD = "seq"
TRACE_FIELD = "tp"
"""The publishing span's W3C ``traceparent`` in a feed entry, when the worker traces."""
FEED = "jobwire:feed"
"""Every event of every job, in the order they reached Redis, for the API instances to follow."""
EVENTS_PUBLISHED = "jobwire:stats:events_published"
"""A running total of every event any worker appended, for the API's /metrics."""


def job_tag(job_id: str) -> str:
    """The prefix every key of one job shares: its hash tag puts them in one cluster slot."""
    return f"jobwire:job:{{{job_id}}}"


def job_events(job_id: str) -> str:
    return f"{job_tag(job_id)}:events"


def job_seq(job_id: str) -> str:
    return f"{job_tag(job_id)}:seq"


def worker_presence(task_queue: str) -> str:
    """The sorted set of one task queue's workers: identity → last renewal (Redis time)."""
    return f"jobwire:workers:{task_queue}"


def stream_id(seq: int) -> str:
    return f"{seq}-0"


def seq_of(stream_entry_id: str) -> int:
    return int(stream_entry_id.split("-", 1)[0])


def job_record(job_id: str) -> str:
    """The job's record as its events built it (a hash; see ``jobwire.projection``)."""
    return f"{job_tag(job_id)}:record"


def job_tombstone(job_id: str) -> str:
    """Set for a while when a job is deleted, so reads answer 404 before Temporal has done."""
    return f"{job_tag(job_id)}:deleted"
