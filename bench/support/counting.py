"""A job type for engine tests: counts items, logging each one to Redis so a test can see
exactly which items ran more than once. This is its contract; its phases are in
``bench.support.counting_phases``, bound by the worker like any job type's."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from redis.asyncio import Redis

from jobwire.contract.job_type import JobTypeDefinition, Phase
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.specs import JobInput


class CountInput(JobInput):
    """Counts ``items``, one per ``item_seconds``."""

    type: Literal["count"] = "count"
    items: int = Field(ge=1, le=100_000)
    item_seconds: float = Field(default=0.0, ge=0, le=5)
    fail_at: int | None = Field(default=None, description="Refuse this item: a business error.")
    flaky_at: int | None = Field(default=None, description="Crash here on the first attempt.")
    force: bool = Field(default=False, description="Send every checkpoint at once.")


def processed_key(job_id: str) -> str:
    return f"jobwire:test:{job_id}:processed"


async def processed_items(redis: Redis, job_id: str) -> list[int]:
    return [int(item) for item in await redis.lrange(processed_key(job_id), 0, -1)]


COUNT_PHASES = (
    Phase("count", weight=9, description="counting items"),
    Phase("summarize", weight=1, description="summing up"),
)

COUNT_TYPE = JobTypeDefinition.define(
    CountInput,
    COUNT_PHASES,
    phases_module="bench.support.counting_phases",
    examples=[{"type": "count", "items": 5}],
)


def counting_registry() -> JobTypeRegistry:
    """A registry holding only the counting type (no installed job types)."""
    registry = JobTypeRegistry()
    registry.add(COUNT_TYPE)
    return registry
