"""The live event envelope: one JSON object per event, on Redis and on Socket.IO alike."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from jobwire.contract import SCHEMA_VERSION
from jobwire.contract.states import JobState


class EventType(StrEnum):
    CREATED = "job.created"
    STARTED = "job.started"
    PROGRESS = "job.progress"
    CHECKPOINT = "job.checkpoint"
    LOG = "job.log"
    CHUNK = "job.chunk"
    PAUSED = "job.paused"
    RESUMED = "job.resumed"
    RECOVERED = "job.recovered"
    COMPLETED = "job.completed"
    FAILED = "job.failed"
    CANCELLED = "job.cancelled"
    SNAPSHOT = "job.snapshot"
    """Synthetic: stands in for events whose Redis stream expired, built from Temporal."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class EventDraft(BaseModel):
    """An event before Redis numbers it: what a publisher hands to the feed."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = SCHEMA_VERSION
    job_id: str
    user_id: str
    type: EventType
    ts: AwareDatetime = Field(default_factory=utc_now)
    state: JobState
    progress: float = Field(ge=0.0, le=100.0)
    step: str = ""
    data: dict[str, Any] = Field(default_factory=dict)

    def numbered(self, seq: int) -> JobEvent:
        return JobEvent(seq=seq, **self.model_dump())


class JobEvent(EventDraft):
    """An event as clients receive it; ``seq`` is per job, strictly increasing, gapless."""

    seq: int = Field(ge=0)
