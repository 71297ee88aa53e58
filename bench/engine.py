"""What the engine costs and how fast it recovers.

    python -m bench.engine          # writes the "engine" section of docs/BENCHMARKS.md

1. One helper call per item (``ctx.advance``: checkpoint, throttled heartbeat and event,
   events really published to Redis) against the same loop without it, in the same run.
2. ``kill -9`` of a worker in the middle of a phase: the time until the job's next progress
   event, against the configured heartbeat timeout, and the items done twice per crash. The
   spare workers are running before the first kill (their presence in Redis says so), as in
   a deployment of several workers: a worker's own start-up is not part of a recovery.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import time
from typing import Any

from redis.asyncio import Redis
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import Client

from activities.runtime.context import PhaseContext, PhaseResources
from activities.runtime.publisher import RedisEventPublisher
from bench.report import add_docs_option, table, write_section
from bench.stack import Stack, bench_stack
from bench.support.counting import CountInput, counting_registry, processed_items
from jobwire.connections.temporal_client import connect_temporal
from jobwire.contract.events import EventType
from jobwire.contract.phases import PhaseInput, ProgressReport
from jobwire.contract.states import JobAction
from jobwire.jobs.service import JobService
from jobwire.jobs.worker_presence import read_presence
from jobwire.projection.events import read_since
from jobwire.settings import Settings

ITEMS = 100_000
HEARTBEAT_TIMEOUT = 2.0


async def helper_cost(stack: Stack, redis: Redis) -> list[list[object]]:
    spec = CountInput(items=ITEMS)
    phase_input = PhaseInput(
        job_id="job-bench",
        user_id="bench",
        spec=spec.model_dump(),
        phase="count",
        phase_index=0,
        phase_count=1,
        progress_start=0,
        progress_end=100,
    )
    heartbeats = 0

    def heartbeat(*_: Any) -> None:
        nonlocal heartbeats
        heartbeats += 1

    async def report(_: ProgressReport) -> None:
        return None

    ctx = PhaseContext(
        phase_input=phase_input,
        spec=spec,
        resources=PhaseResources(settings=stack.settings, redis=redis),
        publisher=RedisEventPublisher(redis, stack.settings),
        heartbeat=heartbeat,
        report_progress=report,
        resumed=None,
        attempt=1,
    )
    total = 0
    started = time.perf_counter()
    for item in range(ITEMS):
        total += item * item
        await asyncio.sleep(0)
    bare = (time.perf_counter() - started) / ITEMS
    started = time.perf_counter()
    for item in range(ITEMS):
        total += item * item
        await ctx.advance(
            done=item + 1, total=ITEMS, position=f"item {item + 1}", state={"next": item + 1}
        )
    helped = (time.perf_counter() - started) / ITEMS
    return [
        [
            "one `ctx.advance` per item",
            f"{helped * 1e6:.1f} µs",
            f"{bare * 1e6:.2f} µs",
            f"{(helped - bare) * 1e6:.1f} µs",
            f"{heartbeats} heartbeats, throttled",
        ]
    ]


async def running_worker_pid(temporal: Client, job_id: str) -> int | None:
    """The pid of the worker running the job's activity, from its identity ``pid@host``."""
    description = await temporal.get_workflow_handle(job_id).describe()
    for pending in description.raw_description.pending_activities:
        identity = pending.last_worker_identity
        if identity and pending.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED:
            return int(identity.split("@", 1)[0])
    return None


async def crash_recovery(stack: Stack, redis: Redis, crashes: int) -> list[list[object]]:
    temporal = await connect_temporal(stack.settings)
    jobs = JobService(temporal, stack.settings, counting_registry())
    spares = [stack.process("worker", f"spare-worker-{n}") for n in range(crashes)]
    for spare in spares:
        await spare.start()
    await _until_workers_present(redis, stack.settings, crashes + 1)
    spec = {"type": "count", "items": 100_000, "item_seconds": 0.01}
    record, _ = await jobs.submit("bench", spec)
    waits: list[float] = []
    redone: list[int] = []
    for _ in range(crashes):
        await asyncio.sleep(3)
        pid = await running_worker_pid(temporal, record.job_id)
        assert pid is not None, "no worker is running the job"
        duplicates_before = await _duplicates(redis, record.job_id)
        last_seq = (await read_since(redis, record.job_id, 0)).last_seq
        os.killpg(pid, signal.SIGKILL)
        killed_at = time.perf_counter()
        waits.append(await _until_recovered(redis, record.job_id, last_seq) - killed_at)
        await asyncio.sleep(1)
        redone.append(await _duplicates(redis, record.job_id) - duplicates_before)
    await jobs.control("bench", record.job_id, JobAction.CANCEL)
    for spare in spares:
        await spare.stop(grace=2)
    return [
        [
            "`kill -9` of the worker running the job, to its next progress",
            f"{statistics.median(waits):.2f} s (median of {crashes})",
            f"{HEARTBEAT_TIMEOUT:.1f} s heartbeat timeout",
            f"worst {max(waits):.2f} s",
            f"{statistics.mean(redone):.1f} items redone per crash (max {max(redone)})",
        ]
    ]


async def _until_workers_present(
    redis: Redis, settings: Settings, count: int, limit: float = 300
) -> None:
    """Waits until ``count`` workers renew their presence (on a loaded machine, several
    Python workers starting at once may take a minute)."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        ttl = settings.worker_presence_ttl_seconds
        if len((await read_presence(redis, settings.task_queue, ttl)).live) >= count:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"fewer than {count} workers started within {limit:.0f} s")


async def _until_recovered(redis: Redis, job_id: str, after: int, limit: float = 120) -> float:
    """When a ``job.recovered`` event after seq ``after`` first shows in the feed."""
    deadline = time.perf_counter() + limit
    for _ in range(int(limit / 0.02)):
        events = (await read_since(redis, job_id, after)).events
        if any(event.type is EventType.RECOVERED for event in events):
            return time.perf_counter()
        if time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.02)
    raise RuntimeError(f"{job_id} never recovered")


async def _duplicates(redis: Redis, job_id: str) -> int:
    items = await processed_items(redis, job_id)
    return len(items) - len(set(items))


async def measure(crashes: int) -> str:
    async with bench_stack(
        heartbeat_timeout_seconds=HEARTBEAT_TIMEOUT, heartbeat_throttle_seconds=0.1
    ) as stack:
        redis = Redis.from_url(str(stack.settings.redis_url), decode_responses=True)
        rows = await helper_cost(stack, redis)
        rows += await crash_recovery(stack, redis, crashes)
        await redis.aclose()
    header = ["what", "measured", "baseline", "difference / worst", "notes"]
    return "\n".join(
        [
            "## Engine",
            "",
            "`python -m bench.engine`: the helper's cost per item beside a bare loop, and "
            "crash recovery of a counting job (one item per 10 ms) on real worker processes. "
            "The spare workers are running before the first kill (a worker's own start-up is "
            "no part of a recovery), each kill hits the same phase again (attempts 1 to "
            f"{crashes}), and the dev server fires timers within "
            f"{stack.settings.temporal_dev_timer_shift_seconds * 1000:.0f} ms "
            "(`JOBWIRE_TEMPORAL_DEV_TIMER_SHIFT_SECONDS`; at Temporal's default of 1 s, each "
            "0.2 s retry waits about a second).",
            "",
            table(header, rows),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crashes", type=int, default=3)
    add_docs_option(parser)
    args = parser.parse_args()
    section = asyncio.run(measure(args.crashes))
    write_section("engine", section, args.docs)
    print(section)


if __name__ == "__main__":
    main()
