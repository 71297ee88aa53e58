"""What polling clients cost the worker: its CPU while 100 pollers read running jobs, beside
its CPU with no poller, in alternated windows of the same run.

A ``GET /api/jobs/{id}`` that asks the workflow (a Temporal query) costs the worker a
workflow task per call; one served from Redis costs it nothing. So the figure to watch is the
worker's CPU under pollers against its own CPU without them, while the same jobs run.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

import httpx

from bench.cpu import CpuMeter, processes
from bench.feed_summary import spread
from bench.report import table
from bench.stack import Stack, percentiles
from bench.temporal_calls import TemporalReads

POLLERS = 100
JOBS = 10
RUNNING = {"type": "count", "items": 100_000, "item_seconds": 0.05}


@dataclass
class Windows:
    """Per window: the worker's and the API's CPU (seconds per wall second), and for polled
    windows every GET's latency and how many were answered per second."""

    quiet: list[dict[str, float]] = field(default_factory=list)
    polled: list[dict[str, float]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    temporal_quiet: list[float] = field(default_factory=list)
    temporal_polled: list[float] = field(default_factory=list)
    """Queries and describes Temporal's frontend served per second, in each kind of window."""


async def poll(http: httpx.AsyncClient, job_ids: list[str], seconds: float) -> list[float]:
    """``POLLERS`` clients each reading one running job's record in a closed loop."""
    samples: list[float] = []
    deadline = time.monotonic() + seconds

    async def poller(job_id: str) -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = await http.get(f"/api/jobs/{job_id}")
            if response.status_code != 200:
                raise RuntimeError(f"GET {job_id} answered {response.status_code}")
            samples.append(time.perf_counter() - started)

    await asyncio.gather(*(poller(job_ids[i % len(job_ids)]) for i in range(POLLERS)))
    return samples


async def measure_pollers(
    stack: Stack, http: httpx.AsyncClient, rounds: int, seconds: float
) -> Windows:
    """Alternated windows (no pollers, pollers, ...) over ``JOBS`` running counting jobs."""
    job_ids = [await start(http) for _ in range(JOBS)]
    await until_running(http, job_ids)
    windows = Windows()
    watched = processes({"worker": stack.worker_pid, "API": stack.api_pid})
    try:
        for _ in range(rounds):
            meter, reads = CpuMeter(watched), await TemporalReads.begin(stack.temporal_metrics_url)
            await asyncio.sleep(seconds)
            windows.quiet.append(meter.shares() | {"machine": meter.machine()})
            windows.temporal_quiet.append(await reads.per_second())
            meter, reads = CpuMeter(watched), await TemporalReads.begin(stack.temporal_metrics_url)
            started = time.monotonic()
            samples = await poll(http, job_ids, seconds)
            windows.polled.append(meter.shares() | {"machine": meter.machine()})
            windows.temporal_polled.append(await reads.per_second())
            windows.rates.append(len(samples) / (time.monotonic() - started))
            windows.latencies += samples
    finally:
        await asyncio.gather(*(http.post(f"/api/jobs/{job}/cancel") for job in job_ids))
    return windows


async def start(http: httpx.AsyncClient) -> str:
    response = await http.post("/api/jobs", json=RUNNING)
    if response.status_code != 201:
        raise RuntimeError(f"POST /api/jobs answered {response.status_code}: {response.text}")
    return str(response.json()["job_id"])


async def until_running(http: httpx.AsyncClient, job_ids: list[str]) -> None:
    for job_id in job_ids:
        for _ in range(600):
            if (await http.get(f"/api/jobs/{job_id}")).json()["state"] == "running":
                break
            await asyncio.sleep(0.2)
        else:
            raise RuntimeError(f"{job_id} never started running")


def pollers_section(windows: Windows, seconds: float) -> str:
    quiet = spread([w["worker"] for w in windows.quiet])
    polled = spread([w["worker"] for w in windows.polled])
    figures = percentiles(windows.latencies)
    rows: list[list[object]] = [
        [
            "no pollers",
            quiet.format(),
            f"{statistics.median(w['API'] for w in windows.quiet):.2f}",
            f"{statistics.median(w['machine'] for w in windows.quiet):.2f}",
            f"{statistics.median(windows.temporal_quiet):.1f}",
            "-",
            "-",
        ],
        [
            f"{POLLERS} pollers",
            polled.format(),
            f"{statistics.median(w['API'] for w in windows.polled):.2f}",
            f"{statistics.median(w['machine'] for w in windows.polled):.2f}",
            f"{statistics.median(windows.temporal_polled):.1f}",
            f"{statistics.median(windows.rates):.0f}",
            f"{figures['p50']} / {figures['p99']}",
        ],
    ]
    header = [
        "window",
        "worker CPU s/s",
        "API CPU s/s",
        "whole machine s/s",
        "Temporal queries + describes per s",
        "GETs per s",
        "GET p50 / p99 ms",
    ]
    return "\n".join(
        [
            f"The worker's CPU while {POLLERS} clients poll `GET /api/jobs/{{id}}` of {JOBS} "
            "running counting jobs in a closed loop, beside its CPU with no poller, in "
            f"alternated windows of {seconds:.0f} s ({len(windows.quiet)} each; median, "
            "lowest-highest), in process CPU seconds per wall second. Target: no rise, as "
            "reads come from Redis and the worker answers no query for them. The pollers run "
            "in the benchmark's process on the same two cores (the whole machine's column "
            "counts them); Temporal's own metrics count the queries and describes it served.",
            "",
            table(header, rows),
            "",
            f"Worker CPU with pollers / without: {rise(polled.median, quiet.median)}.",
        ]
    )


def rise(polled: float, quiet: float) -> str:
    return f"{polled / quiet:.2f}x" if quiet > 0 else f"{polled:.2f} s/s against none"
