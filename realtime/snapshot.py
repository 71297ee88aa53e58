"""The synthetic ``job.snapshot`` event that stands in for events expired from Redis.

Built from the job record Temporal answers with; its ``seq`` is the latest one the feed knows,
so a client that applies it holds "everything up to seq" and continues with the live events.
"""

from __future__ import annotations

from jobwire.contract.events import EventType, JobEvent, utc_now
from jobwire.contract.records import JobRecord


def snapshot_event(record: JobRecord, seq: int) -> JobEvent:
    return JobEvent(
        job_id=record.job_id,
        user_id=record.user_id,
        type=EventType.SNAPSHOT,
        ts=utc_now(),
        state=record.state,
        progress=record.progress,
        step=record.step,
        data={"record": record.model_dump(mode="json")},
        seq=seq,
    )
