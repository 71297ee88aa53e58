"""Live feed latency: an activity's publish to a Socket.IO client's receipt, beside polling.

    python -m bench.feed                       # 1, 100 and 1000 clients; writes docs section
    python -m bench.feed --clients 1,100 --seconds 5

50 counting jobs run on a real worker, each publishing about 10 progress events a second.
Clients (in a process of their own, ``bench.feed_clients``) are spread over the 50 jobs'
users: each is in its user's room and subscribed to that user's job. Latency is receipt time
minus the event's ``ts``, stamped in the worker just before the publish, and is split where
Redis appended the event. The baseline, after each level with no client connected, polls
``GET /api/jobs/{id}`` once a second per job and reports how old the progress it shows is.
Memory per client is the API process's RSS growth divided by the clients connected.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from redis.asyncio import Redis

from bench.plot import Series, latency_plot
from bench.report import add_docs_option, table, write_section
from bench.stack import ROOT, Stack, bench_stack, percentiles
from jobwire import redis_keys as keys
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port

JOBS = 50


CLIENTS_SCRIPT = "bench.feed_clients"
FLOOR_SCRIPT = "bench.feed_floor"
PLOT_NAME = "feed-latency.png"
FLOOR_RATE = 12.0
"""Events a second per room of the floor: about what a counting job publishes (progress,
checkpoint and report events together)."""


@dataclass
class Level:
    """What one client count measured: latencies in seconds and where the time went."""

    clients: int
    total: list[float]
    to_redis: list[float]
    from_redis: list[float]
    repeated: int
    gaps: int
    api_memory_per_client: float
    cpu: dict[str, float]


async def redis_times(stack: Stack, users: int, since_ms: int) -> dict[tuple[str, int], float]:
    """When Redis appended each event (its stream ID's milliseconds), by job and seq."""
    redis = Redis.from_url(str(stack.settings.redis_url), decode_responses=True)
    found: dict[tuple[str, int], float] = {}
    try:
        wanted = {f"u{user}" for user in range(users)}
        entries: Any = await redis.xrange(keys.FEED, min=f"{since_ms}-0")
        for entry_id, fields in entries:
            if fields[keys.USER_FIELD] in wanted:
                found[(fields[keys.JOB_FIELD], int(fields[keys.SEQ_FIELD]))] = (
                    int(str(entry_id).split("-")[0]) / 1000
                )
    finally:
        await redis.aclose()
    return found


class CpuMeter:
    """CPU seconds each process spent over a window, as a share of one core."""

    def __init__(self, processes: dict[str, psutil.Process]) -> None:
        self.processes = processes
        self.started = time.monotonic()
        self.before = {name: _cpu(process) for name, process in processes.items()}

    def shares(self) -> dict[str, float]:
        elapsed = time.monotonic() - self.started
        return {
            name: (_cpu(process) - self.before[name]) / elapsed
            for name, process in self.processes.items()
        }


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


@dataclass
class ClientRun:
    """What the client process reported, and what the processes around it spent."""

    rows: list[list[Any]]
    repeated: int
    gaps: int
    cpu: dict[str, float]
    server_growth: int


async def run_clients(
    orders: dict[str, Any], server: psutil.Process, others: dict[str, int | None], seconds: float
) -> ClientRun:
    """Connects ``orders["clients"]`` clients in a process of their own, records ``seconds``."""
    clients = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        CLIENTS_SCRIPT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        limit=1 << 30,
    )
    assert clients.stdin is not None and clients.stdout is not None
    rss_before = server.memory_info().rss
    clients.stdin.write((json.dumps(orders) + "\n").encode())
    await clients.stdin.drain()
    ready = await clients.stdout.readline()
    if ready.strip() != b"ready":
        raise RuntimeError(f"the clients did not connect: {ready!r}")
    rss_after = server.memory_info().rss
    watched = {"server": server, "clients": psutil.Process(clients.pid)}
    watched |= {name: psutil.Process(pid) for name, pid in others.items() if pid is not None}
    meter = CpuMeter(watched)
    clients.stdin.write(b"start\n")
    await clients.stdin.drain()
    await asyncio.sleep(seconds)
    cpu = meter.shares()
    clients.stdin.write(b"stop\n")
    await clients.stdin.drain()
    result = json.loads(await clients.stdout.readline())
    await clients.wait()
    return ClientRun(
        rows=result["rows"],
        repeated=result["repeated"],
        gaps=result["gaps"],
        cpu=cpu,
        server_growth=max(0, rss_after - rss_before),
    )


def background(stack: Stack) -> dict[str, int | None]:
    return {
        "worker": stack.worker_pid,
        "Temporal": stack.temporal_pid,
        "Redis": stack.redis_pid,
    }


async def measure_feed(stack: Stack, count: int, job_ids: list[str], seconds: float) -> Level:
    orders = {
        "url": stack.api_url,
        "clients": count,
        "job_ids": job_ids,
        "tokens": [issue_token(stack.settings, f"u{user}") for user in range(len(job_ids))],
    }
    started_ms = int(time.time() * 1000)
    run = await run_clients(orders, psutil.Process(stack.api_pid), background(stack), seconds)
    appended = await redis_times(stack, len(job_ids), started_ms - 1000)
    total, to_redis, from_redis = [], [], []
    for job_id, seq, ts, arrived in run.rows:
        sent = datetime.fromisoformat(ts).timestamp()
        total.append(arrived - sent)
        at_redis = appended.get((job_id, seq))
        if at_redis is not None:
            to_redis.append(at_redis - sent)
            from_redis.append(arrived - at_redis)
    return Level(
        clients=count,
        total=total,
        to_redis=to_redis,
        from_redis=from_redis,
        repeated=run.repeated,
        gaps=run.gaps,
        api_memory_per_client=run.server_growth / count,
        cpu=run.cpu,
    )


async def measure_floor(stack: Stack, count: int, rate: float, seconds: float) -> Level:
    """The same clients against a bare python-socketio room broadcast at the same rate."""
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", FLOOR_SCRIPT, str(port), str(JOBS), str(rate), cwd=ROOT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_for_port(port)
        orders = {
            "url": url,
            "clients": count,
            "job_ids": [f"floor-{job}" for job in range(JOBS)],
            "tokens": [f"u{job}" for job in range(JOBS)],
            "subscribe": False,
        }
        run = await run_clients(orders, psutil.Process(server.pid), background(stack), seconds)
    finally:
        server.terminate()
        await server.wait()
    total = [arrived - datetime.fromisoformat(ts).timestamp() for _, _, ts, arrived in run.rows]
    return Level(
        clients=count,
        total=total,
        to_redis=[],
        from_redis=[],
        repeated=run.repeated,
        gaps=run.gaps,
        api_memory_per_client=run.server_growth / count,
        cpu=run.cpu,
    )


async def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def poll_baseline(stack: Stack, job_ids: list[str], seconds: float) -> list[float]:
    ages: list[float] = []

    async def poll(user: int, job_id: str) -> None:
        headers = {"Authorization": f"Bearer {issue_token(stack.settings, f'u{user}')}"}
        async with httpx.AsyncClient(base_url=stack.api_url, headers=headers, timeout=30) as http:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                record = (await http.get(f"/api/jobs/{job_id}")).json()
                updated = datetime.fromisoformat(record["updated_at"])
                ages.append((datetime.now(UTC) - updated).total_seconds())
                await asyncio.sleep(1.0)

    await asyncio.gather(*(poll(u, job) for u, job in enumerate(job_ids)))
    return ages


async def run(stack: Stack, levels: list[int], seconds: float, plot_path: Path) -> str:
    job_ids = await start_jobs(stack)
    await asyncio.sleep(5)  # every job running and publishing
    rows: list[list[object]] = []
    cpu_rows: list[list[object]] = []
    series: Series = {"jobwire feed": [], "bare python-socketio": [], "polling (age)": []}
    for count in levels:
        row, cpu = await measure_level(stack, count, job_ids, seconds, series)
        rows.append(row)
        cpu_rows += cpu
    latency_plot(
        levels, series, plot_path, f"Live feed, {JOBS} jobs at ~10 events/s each (bench.feed)"
    )
    return section(rows, cpu_rows, seconds, plot_path)


async def start_jobs(stack: Stack) -> list[str]:
    """One long counting job for each of ``JOBS`` users, so each user room has its own."""
    job_ids: list[str] = []
    for user in range(JOBS):
        token = issue_token(stack.settings, f"u{user}")
        async with httpx.AsyncClient(
            base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            spec = {"type": "count", "items": 20_000, "item_seconds": 0.1}
            job_ids.append((await http.post("/api/jobs", json=spec)).json()["job_id"])
    return job_ids


async def measure_level(
    stack: Stack, count: int, job_ids: list[str], seconds: float, series: Series
) -> tuple[list[object], list[list[object]]]:
    """One client count: the feed, then the floor and polling baselines. Adds the three p50 /
    p99 pairs to ``series``; returns the latency row and the two CPU rows."""
    level = await measure_feed(stack, count, job_ids, seconds)
    floor = await measure_floor(stack, count, FLOOR_RATE, seconds)
    polled = percentiles(await poll_baseline(stack, job_ids, seconds))
    live, bare = percentiles(level.total), percentiles(floor.total)
    hop_in, hop_out = percentiles(level.to_redis), percentiles(level.from_redis)
    for name, figures in zip(series, (live, bare, polled), strict=True):
        series[name].append((figures["p50"], figures["p99"]))
    row: list[object] = [
        count,
        len(level.total),
        level.repeated + level.gaps,
        live["p50"],
        live["p99"],
        f"{hop_in['p50']} / {hop_in['p99']}",
        f"{hop_out['p50']} / {hop_out['p99']}",
        f"{bare['p50']} / {bare['p99']} ({len(floor.total)} events)",
        f"{polled['p50']} / {polled['p99']}",
        f"{level.api_memory_per_client / 1024:.0f} KiB",
    ]
    return row, [[count, "jobwire", cpu_line(level.cpu)], [count, "floor", cpu_line(floor.cpu)]]


def section(
    rows: list[list[object]], cpu_rows: list[list[object]], seconds: float, plot_path: Path
) -> str:
    header = [
        "clients",
        "events received",
        "repeated or missing",
        "feed p50 ms",
        "feed p99 ms",
        "publish→Redis p50 / p99 ms",
        "Redis→client p50 / p99 ms",
        "floor p50 / p99 ms",
        "polling: age p50 / p99 ms",
        "API memory per client",
    ]
    return "\n".join(
        [
            "## Live feed",
            "",
            f"`python -m bench.feed`: {JOBS} counting jobs on one `jobwire worker`, about 10 "
            "progress events a second each, one `jobwire api`, the clients in a process of "
            "their own, each in its user's room and subscribed to that user's job (measured "
            f"for {seconds:.0f} s per level). A feed latency is the client's receipt time "
            "minus the event's `ts`, stamped in the worker just before the publish; it is "
            "split at the moment Redis appended the event (its stream ID).",
            "",
            "Two baselines run after each level, in the same run, while the jobs go on: the "
            "**floor**, the same clients against a bare python-socketio server that "
            f"broadcasts {FLOOR_RATE:.0f} events a second to each of {JOBS} rooms "
            "(`bench/feed_floor.py`: no Redis, no replay, no ordering; what the library and "
            "this machine cost by themselves), and **polling**, `GET /api/jobs/{id}` once a "
            "second per job with no client connected, whose figure is how old the progress "
            "shown is.",
            "",
            table(header, rows),
            "",
            f"![Event latency against connected clients]({plot_path.name})",
            "",
            "Where the CPU went during each level (one core = 100%; `server` is `jobwire "
            "api` or the floor's server):",
            "",
            table(["clients", "run", "CPU"], cpu_rows),
        ]
    )


def cpu_line(shares: dict[str, float]) -> str:
    parts = " · ".join(f"{name} {share:.0%}" for name, share in shares.items())
    return f"{parts} (sum {sum(shares.values()):.0%} of {(os.cpu_count() or 1) * 100}%)"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", default="1,100,1000")
    parser.add_argument("--seconds", type=float, default=10.0)
    add_docs_option(parser)
    args = parser.parse_args()
    levels = [int(level) for level in args.clients.split(",")]
    async with bench_stack(progress_event_seconds=0.1) as stack:
        section = await run(stack, levels, args.seconds, args.docs.parent / PLOT_NAME)
    write_section("feed", section, args.docs)
    print(section)


if __name__ == "__main__":
    asyncio.run(main())
