"""A phase whose cancel a library swallowed still stops at its next step.

redis-py can turn a cancellation that lands inside one of its calls into an error of its own,
which the publisher rides out like any Redis error. A worker shutting down cancels its phases
and waits for them: a clean-clone run waited on a counting phase that went on for minutes
after its cancel, until the test's timeout."""

from __future__ import annotations

import asyncio

import pytest

from jobwire.contract.events import EventDraft, JobEvent
from jobwire.contract.publishing import MemoryPublisher
from jobwire.contract.records import JobRecord
from tests.unit.jobtypes.harness import Harness, unit_settings

TRADE = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "100", "slices": 10}


class SwallowingPublisher(MemoryPublisher):
    """Swallows a cancel that lands while it publishes, as redis-py can."""

    def __init__(self) -> None:
        super().__init__()
        self.publishing = asyncio.Event()

    async def publish(self, draft: EventDraft, base: JobRecord | None = None) -> JobEvent | None:
        self.publishing.set()
        try:
            await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            return None  # the library's own error, dropped like a failed publish
        return await super().publish(draft, base)


async def test_a_phase_stops_at_its_next_step_though_its_cancel_was_swallowed() -> None:
    harness = Harness(unit_settings(), events=SwallowingPublisher())
    ctx = harness.context(TRADE, "execute")
    steps: list[int] = []

    async def phase() -> None:
        for done in range(1, 500):
            steps.append(done)
            await ctx.advance(done=done, total=500, position=str(done), state={"done": done})

    work = asyncio.create_task(phase())
    publisher = harness.events
    assert isinstance(publisher, SwallowingPublisher)
    await publisher.publishing.wait()
    work.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(work, timeout=30)
    assert len(steps) == 1, "it stopped in the step its cancel reached"
    assert ctx.checkpoint is not None and ctx.checkpoint.done == 1, "that step's checkpoint kept"
