"""A job type for engine tests: counts items, logging each one to Redis so a test can see
exactly which items ran more than once."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from pydantic import Field
from redis.asyncio import Redis

from activities.runtime import JobFailed, Phase, PhaseContext
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


async def count(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, CountInput)
    redis = ctx.resources.redis
    assert redis is not None
    for item in range(int(ctx.state.get("next", 0)), spec.items):
        if spec.fail_at == item:
            raise JobFailed("CountRefused", f"item {item} is refused")
        if spec.flaky_at == item and ctx.attempt == 1:
            raise RuntimeError(f"item {item} broke")
        await asyncio.sleep(spec.item_seconds)
        await redis.rpush(processed_key(ctx.job_id), item)
        await ctx.advance(
            done=item + 1,
            total=spec.items,
            position=f"item {item + 1} of {spec.items}",
            state={"next": item + 1},
            force=spec.force,
        )
    await ctx.log(f"counted {spec.items} items")
    return {"counted": spec.items}


async def summarize(ctx: PhaseContext) -> dict[str, Any]:
    await ctx.set_step("summarizing")
    return {"total": ctx.previous["count"]["counted"], "after": sorted(ctx.previous)}


COUNT_PHASES = (
    Phase("count", count, weight=9, description="counting items"),
    Phase("summarize", summarize, weight=1, description="summing up"),
)


def counting_registry() -> JobTypeRegistry:
    registry = JobTypeRegistry()
    registry.register(CountInput, COUNT_PHASES, examples=[{"type": "count", "items": 5}])
    return registry
