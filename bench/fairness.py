"""One user's burst against another user's few jobs, with and without fairness, in one run.

    python -m bench.fairness        # writes the "fairness" section of docs/BENCHMARKS.md

A Temporal dev server started as ``jobwire dev`` starts it (priority matcher and fairness on,
one partition per task queue), Redis, one ``jobwire worker`` with few activity slots, so a
backlog builds in Temporal. In each round user A submits ``--burst`` small counting jobs, then
user B submits ``--few``; the figures are the time from B's first submission to B's first
progress event, and to the last of B's jobs completing, with A's drain time beside them. The
round without fairness submits the same jobs without a fairness key (what jobwire did before:
every task in one first-come, first-served line); the round with it sends each user as the
key. Rounds alternate, off first, and each waits for A's backlog to drain before the next.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from bench.report import add_docs_option, table, write_section
from bench.stack import Stack, bench_stack
from bench.support.counting import counting_registry
from jobwire.connections.temporal_client import connect_temporal
from jobwire.contract.events import EventType
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since

SPEC = {"type": "count", "items": 2, "item_seconds": 0.05}
ROUND_LIMIT = 600.0
BOUND_SECONDS = 10.0
"""The bound stated for B's first progress with fairness on, whatever A's backlog: a few of
A's jobs in flight and one turn each, with room for a machine shared with other work."""


@dataclass
class Round:
    fairness: bool
    first_progress: float
    all_done: float
    a_drained: float


async def _first_of(redis: Redis, job_ids: list[str], kind: EventType) -> dict[str, float]:
    """Each job's first event of ``kind``, as the worker stamped it (epoch seconds)."""
    found: dict[str, float] = {}
    for job_id in job_ids:
        for event in (await read_since(redis, job_id, 0)).events:
            if event.type is kind:
                found[job_id] = event.ts.timestamp()
                break
    return found


async def _until(redis: Redis, job_ids: list[str], kind: EventType, deadline: float) -> float:
    """The latest of the jobs' first ``kind`` events, once every job has one."""
    while time.monotonic() < deadline:
        found = await _first_of(redis, job_ids, kind)
        if len(found) == len(job_ids):
            return max(found.values())
        await asyncio.sleep(0.25)
    raise RuntimeError(f"{len(job_ids)} jobs did not all reach {kind.value} in time")


async def one_round(
    stack: Stack, redis: Redis, n: int, fairness: bool, burst: int, few: int
) -> Round:
    settings = stack.settings.model_copy(update={"fairness_enabled": fairness})
    jobs = JobService(await connect_temporal(settings), settings, counting_registry())
    a_user, b_user = f"burst-{n}", f"few-{n}"
    a_jobs = [(await jobs.submit(a_user, dict(SPEC)))[0].job_id for _ in range(burst)]
    b_started = time.time()
    b_jobs = [(await jobs.submit(b_user, dict(SPEC)))[0].job_id for _ in range(few)]
    deadline = time.monotonic() + ROUND_LIMIT
    b_done = await _until(redis, b_jobs, EventType.COMPLETED, deadline)
    progress = await _first_of(redis, b_jobs, EventType.PROGRESS)
    a_done = await _until(redis, a_jobs, EventType.COMPLETED, deadline)
    return Round(
        fairness=fairness,
        first_progress=min(progress.values()) - b_started,
        all_done=b_done - b_started,
        a_drained=a_done - b_started,
    )


async def warm_up(stack: Stack, redis: Redis, count: int = 10) -> None:
    """A few jobs through the worker first, so no round pays for its cold start."""
    jobs = JobService(await connect_temporal(stack.settings), stack.settings, counting_registry())
    job_ids = [(await jobs.submit("warm-up", dict(SPEC)))[0].job_id for _ in range(count)]
    await _until(redis, job_ids, EventType.COMPLETED, time.monotonic() + ROUND_LIMIT)


def pairwise_rounds(results: list[Round]) -> list[tuple[Round, Round]]:
    """Each round without fairness with the round with it that followed."""
    return [(off, on) for off, on in zip(results[::2], results[1::2], strict=True)]


def _cell(rounds: list[Round], pick: str) -> str:
    values = [getattr(r, pick) for r in rounds]
    spread = f" ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else ""
    return f"{statistics.median(values):.2f} s{spread}"


async def measure(burst: int, few: int, slots: int, rounds: int) -> str:
    async with bench_stack(worker_activity_slots=slots) as stack:
        redis = Redis.from_url(str(stack.settings.redis_url), decode_responses=True)
        await warm_up(stack, redis)
        results = [
            await one_round(stack, redis, n, fairness, burst, few)
            for n in range(rounds)
            for fairness in (False, True)
        ]
        await redis.aclose()
    header = ["fairness", "B's first progress", "all of B's jobs done", "A's backlog drained"]
    rows: list[list[object]] = [
        [
            "**on** (user as fairness key)" if on else "off (one first-come line)",
            _cell([r for r in results if r.fairness is on], "first_progress"),
            _cell([r for r in results if r.fairness is on], "all_done"),
            _cell([r for r in results if r.fairness is on], "a_drained"),
        ]
        for on in (False, True)
    ]
    fair = [r.first_progress for r in results if r.fairness]
    held = sum(1 for seconds in fair if seconds <= BOUND_SECONDS)
    verdict = f"held in {held} of {len(fair)} round(s)"
    ratios = [on.first_progress / off.first_progress for off, on in pairwise_rounds(results)]
    return "\n".join(
        [
            "## Fairness",
            "",
            f"`python -m bench.fairness`: user A submits {burst} counting jobs (2 items of "
            f"50 ms each, two phases), then user B submits {few}; one `jobwire worker` with "
            f"{slots} activity slots (`JOBWIRE_WORKER_ACTIVITY_SLOTS`), so the backlog waits in "
            "Temporal. Times run from B's first submission; the dev server runs with the "
            "priority matcher, fairness and one partition per task queue (as `jobwire dev`). "
            "Without fairness the jobs are submitted without a fairness key, as before this "
            f"feature. Ten jobs warm the worker up first; median of {rounds} round(s) each "
            "(lowest-highest), alternated, off first.",
            "",
            table(header, rows),
            "",
            f"Bound: with fairness on, B's first progress arrives within {BOUND_SECONDS:.0f} s "
            f"of its submission however long A's backlog is: {verdict} (worst "
            f"{max(fair):.2f} s); on/off in the same round: "
            f"{statistics.median(ratios):.2f} (median). Without fairness, B's jobs wait behind "
            "A's first phases; A's own second phases queue behind B's, which is why B is not "
            "quite last.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burst", type=int, default=200, help="user A's jobs")
    parser.add_argument("--few", type=int, default=5, help="user B's jobs")
    parser.add_argument("--slots", type=int, default=4, help="the worker's activity slots")
    parser.add_argument("--rounds", type=int, default=1)
    add_docs_option(parser)
    args = parser.parse_args()
    section = asyncio.run(measure(args.burst, args.few, args.slots, args.rounds))
    write_section("fairness", section, args.docs)
    print(section)


if __name__ == "__main__":
    main()
