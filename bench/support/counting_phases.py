"""The counting job type's phases; only a worker imports them (the contract names this
module)."""

from __future__ import annotations

import asyncio
from typing import Any

from activities.runtime import JobFailed, PhaseContext
from bench.support.counting import CountInput, processed_key


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
