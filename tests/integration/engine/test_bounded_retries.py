"""Every job ends: a phase that keeps failing transiently fails its job after the bounded
number of attempts with its checkpoint kept, and a resume goes on from there; a checkpoint
that would not round-trip is refused at once, naming the field. A job type of this module's
own (its phases are the functions below), on a real dev server and worker."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any, Literal

import pytest
import pytest_asyncio
from pydantic import Field
from redis.asyncio import Redis
from temporalio.client import Client

from activities.runtime import PhaseContext
from jobwire.contract.events import EventType
from jobwire.contract.job_type import JobTypeDefinition, Phase
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.specs import JobInput
from jobwire.contract.states import JobAction, JobState
from jobwire.settings import Settings
from tests.integration.engine.conftest import Engine, running_engine
from tests.integration.engine.test_lifecycle import finished

pytestmark = pytest.mark.integration

ATTEMPTS = 3


class ShakyInput(JobInput):
    type: Literal["shaky"] = "shaky"
    items: int = Field(ge=1)
    broken_at: int | None = Field(default=None, description="Unreachable here until healed.")
    nan_at: int | None = Field(default=None, description="Checkpoint a NaN here.")


def healed_key(job_id: str) -> str:
    return f"jobwire:test:{job_id}:healed"


def done_key(job_id: str) -> str:
    return f"jobwire:test:{job_id}:done"


async def work(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, ShakyInput)
    redis = ctx.resources.redis
    assert redis is not None
    sums: list[float] = list(ctx.state.get("sums", []))
    for item in range(int(ctx.state.get("next", 0)), spec.items):
        if item == spec.broken_at and not await redis.exists(healed_key(ctx.job_id)):
            raise ConnectionError(f"the service for item {item} is unreachable")
        await redis.rpush(done_key(ctx.job_id), item)
        sums.append(math.nan if item == spec.nan_at else float(item))
        await ctx.advance(
            done=item + 1,
            total=spec.items,
            position=f"item {item + 1} of {spec.items}",
            state={"next": item + 1, "sums": sums},
            force=True,
        )
    return {"items": spec.items}


SHAKY_TYPE = JobTypeDefinition.define(ShakyInput, (Phase("work"),), phases_module=__name__)


@pytest_asyncio.fixture
async def shaky(settings: Settings, temporal_client: Client, redis: Redis) -> AsyncIterator[Engine]:
    # Each attempt fails at once on its own error; a longer heartbeat timeout than the
    # suite's only keeps a stall of a shared machine from ending one as a timeout instead.
    settings = settings.model_copy(
        update={"retry_maximum_attempts": ATTEMPTS, "heartbeat_timeout_seconds": 20}
    )
    registry = JobTypeRegistry()
    registry.add(SHAKY_TYPE)
    async with running_engine(settings, temporal_client, redis, registry) as running:
        yield running


async def done_items(redis: Redis, job_id: str) -> list[int]:
    return [int(item) for item in await redis.lrange(done_key(job_id), 0, -1)]


async def test_a_phase_that_keeps_failing_fails_after_its_attempts_and_resumes_from_its_checkpoint(
    shaky: Engine,
) -> None:
    record, _ = await shaky.jobs.submit("rory", {"type": "shaky", "items": 8, "broken_at": 5})
    job_id = record.job_id

    failed = await finished(shaky, "rory", job_id)

    assert failed.state is JobState.FAILED
    assert failed.error is not None
    assert failed.error.type == "ConnectionError"
    assert failed.error.retryable, "a transient failure, retried until the attempts ran out"
    assert failed.error.attempts == ATTEMPTS
    assert failed.error.message == "the service for item 5 is unreachable"
    assert failed.checkpoint is not None and failed.checkpoint.position == "item 5 of 8"
    assert JobAction.RESUME in failed.allowed_actions
    recovered = [
        e.data["attempt"] for e in shaky.events_of(job_id) if e.type is EventType.RECOVERED
    ]
    assert recovered == list(range(2, ATTEMPTS + 1))
    event = [e for e in shaky.events_of(job_id) if e.type is EventType.FAILED][-1]
    assert event.data["error"]["attempts"] == ATTEMPTS

    await shaky.redis.set(healed_key(job_id), 1)
    await shaky.jobs.control("rory", job_id, JobAction.RESUME)
    done = await finished(shaky, "rory", job_id)

    assert done.state is JobState.COMPLETED
    assert done.result == {"items": 8}
    assert await done_items(shaky.redis, job_id) == list(range(8)), "items 0-4 never redone"


async def test_a_checkpoint_holding_nan_is_refused_at_once_naming_the_field(
    shaky: Engine,
) -> None:
    record, _ = await shaky.jobs.submit("nina", {"type": "shaky", "items": 6, "nan_at": 3})

    failed = await finished(shaky, "nina", record.job_id)

    assert failed.state is JobState.FAILED
    assert failed.error is not None
    assert failed.error.type == "CheckpointRefused"
    assert failed.error.message == "state.sums[3]: not a finite number"
    assert failed.error.attempts == 1 and not failed.error.retryable
    assert failed.checkpoint is not None and failed.checkpoint.position == "item 3 of 6"
    assert await done_items(shaky.redis, record.job_id) == [0, 1, 2, 3]
