"""The synthetic ``job.snapshot`` event that stands in for events expired from Redis.

Built from the job record Temporal answers with; its ``seq`` is the latest one the feed knows,
so a client that applies it holds "everything up to seq" and continues with the live events.
On the socket the record's spec (up to the largest body the API accepts, for every snapshot of
every connection) is left out unless the subscriber asked for it.
"""

from __future__ import annotations

from jobwire.contract.events import EventType, JobEvent, utc_now
from jobwire.contract.records import JobRecord


def snapshot_event(record: JobRecord, seq: int, *, spec: bool = True) -> JobEvent:
    return JobEvent(
        job_id=record.job_id,
        user_id=record.user_id,
        type=EventType.SNAPSHOT,
        ts=utc_now(),
        state=record.state,
        progress=record.progress,
        step=record.step,
        data={"record": record_json(record, spec=spec)},
        seq=seq,
    )


def record_json(record: JobRecord, *, spec: bool = True) -> dict[str, object]:
    """The record as sent; without its spec, ``spec`` is ``{}`` so that every client that
    reads the record as a ``JobRecord`` still can (``GET /api/jobs/{id}`` has the spec)."""
    return (
        record.model_dump(mode="json")
        if spec
        else record.model_copy(update={"spec": {}}).model_dump(mode="json")
    )
