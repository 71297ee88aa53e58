"""The reference load's CPU with the workflow's progress signal as often as before, and now.

    python -m bench.signal_cpu                  # writes the "signal_cpu" section of BENCHMARKS.md
    python -m bench.signal_cpu --rounds 1 --seconds 5 --docs /tmp/scratch.md

Before the projection, reads asked the workflow, so each phase signalled it its progress every
2 s; now reads come from Redis and the signal only keeps Temporal's UI, query and search
attributes current, every ``progress_report_seconds`` (10 s). This runs ``bench.feed``'s
reference load (50 counting jobs, about 10 events a second each, no client) on a fresh stack
per round, the two intervals alternating, and compares every process's CPU: the same code,
only the interval differs, so the difference is what the signals cost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from bench.feed import reference_cpu, start_jobs
from bench.report import add_docs_option, table, write_section
from bench.stack import bench_stack
from jobwire.setting_groups.activities import ActivitySettings

BEFORE_SECONDS = 2.0
"""The interval of the progress signal before reads moved to the projection."""
SETTLE_SECONDS = 5.0
"""After the jobs start: every job running and publishing before the meter starts."""
PROCESSES = ("API", "worker", "Temporal", "Redis")


async def one_round(report_seconds: float, seconds: float) -> dict[str, float]:
    """Every process's CPU (cores) under the reference load, signalling every
    ``report_seconds``."""
    async with bench_stack(
        progress_event_seconds=0.1, progress_report_seconds=report_seconds
    ) as stack:
        await start_jobs(stack, "u{}", {"type": "count", "items": 20_000, "item_seconds": 0.1})
        await asyncio.sleep(SETTLE_SECONDS)
        return await reference_cpu(stack, seconds)


async def run(rounds: int, seconds: float, now_seconds: float) -> str:
    intervals = (BEFORE_SECONDS, now_seconds)
    measured: dict[float, list[dict[str, float]]] = {interval: [] for interval in intervals}
    for _ in range(rounds):
        for interval in intervals:
            measured[interval].append(await one_round(interval, seconds))
    rows: list[list[object]] = []
    for name in (*PROCESSES, "whole machine"):
        before, now = (
            statistics.median(shares[name] for shares in measured[interval])
            for interval in intervals
        )
        ratio = f"{now / before:.2f}x" if before > 0 else "—"
        rows.append([name, f"{before * 100:.1f}%", f"{now * 100:.1f}%", ratio])
    header = [
        "process",
        f"signal every {BEFORE_SECONDS:g} s (before)",
        f"every {now_seconds:g} s (now)",
        "now / before",
    ]
    intro = (
        f"`python -m bench.signal_cpu`: CPU (one core = 100%) of each process under `bench.feed`'s "
        f"reference load (50 counting jobs, about 10 events a second each, no client), on a "
        f"fresh stack per round, the two intervals alternating ({rounds} rounds each, "
        f"{seconds:g} s measured per round, median). Only the interval of the progress signal "
        "to the workflow differs."
    )
    return intro + "\n\n" + table(header, rows)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each interval")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured per round")
    add_docs_option(parser)
    args = parser.parse_args()
    if args.rounds < 1 or args.seconds <= 0:
        parser.error("--rounds must be at least 1 and --seconds positive")
    now_seconds = ActivitySettings.model_fields["progress_report_seconds"].default
    body = await run(args.rounds, args.seconds, now_seconds)
    write_section("signal_cpu", body, args.docs)
    print(body)


if __name__ == "__main__":
    asyncio.run(main())
