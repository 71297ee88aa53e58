"""Live feed latency: an activity's publish to a Socket.IO client's receipt, beside the bare
python-socketio floor in alternated rounds, and polling.

    python -m bench.feed                       # 1, 100 and 1000 clients; writes docs section
    python -m bench.feed --clients 1,100 --seconds 3 --rounds 3 --docs /tmp/scratch.md

50 counting jobs run on a real worker, each publishing about 10 progress events a second.
At each client level the jobwire and floor rounds alternate (jobwire, floor, jobwire, ...),
each measured the same way (``bench.feed_rounds``); a level reports each side's median and
the median of the per-pair p99 ratios with their spread (``bench.feed_summary``). Latency is
receipt time minus the event's ``ts``, stamped just before the publish, and for jobwire is
split where Redis appended the event. Before the levels: every process's CPU under the
reference load with no client, and the API's memory per idle client beside the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from redis.asyncio import Redis

from bench.cpu import CpuMeter, processes
from bench.feed_figures import Level, section
from bench.feed_rounds import floor_server, idle_memory, run_round
from bench.plot import Series, latency_plot
from bench.report import add_docs_option, write_section
from bench.stack import Stack, bench_stack, percentiles
from jobwire import redis_keys as keys
from jobwire.auth.tokens import issue_token

JOBS = 50
PLOT_NAME = "feed-latency.png"
IDLE_USER = "idle{}"
"""The users of the idle clients: each owns one finished job, so nothing reaches them."""


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


def background(stack: Stack) -> dict[str, int | None]:
    return {"worker": stack.worker_pid, "Temporal": stack.temporal_pid, "Redis": stack.redis_pid}


def api_pid(stack: Stack) -> int:
    assert stack.api_pid is not None
    return stack.api_pid


async def feed_round(
    stack: Stack, level: Level, job_ids: list[str], args: argparse.Namespace
) -> None:
    """One jobwire round: each client in its user's room and subscribed to that user's job."""
    orders = {
        "url": stack.api_url,
        "job_ids": job_ids,
        "tokens": [issue_token(stack.settings, f"u{user}") for user in range(len(job_ids))],
    }
    started_ms = int(time.time() * 1000)
    run = await run_round(
        orders, level.clients, api_pid(stack), background(stack), args.seconds, args.processes
    )
    appended = await redis_times(stack, len(job_ids), started_ms - 1000)
    latencies = []
    for job_id, seq, ts, arrived in run.rows:
        sent = datetime.fromisoformat(ts).timestamp()
        latencies.append(arrived - sent)
        at_redis = appended.get((job_id, seq))
        if at_redis is not None:
            level.to_redis.append(at_redis - sent)
            level.from_redis.append(arrived - at_redis)
    level.feed.add(run, latencies)


async def floor_round(stack: Stack, level: Level, args: argparse.Namespace, rate: float) -> None:
    """The same clients against a bare python-socketio room broadcast at the jobs' rate."""
    async with floor_server(JOBS, rate) as (url, pid):
        orders = {
            "url": url,
            "job_ids": [f"floor-{job}" for job in range(JOBS)],
            "tokens": [f"u{job}" for job in range(JOBS)],
            "subscribe": False,
        }
        run = await run_round(
            orders, level.clients, pid, background(stack), args.seconds, args.processes
        )
    level.floor.add(
        run, [arrived - datetime.fromisoformat(ts).timestamp() for _, _, ts, arrived in run.rows]
    )


async def poll_baseline(stack: Stack, job_ids: list[str], seconds: float) -> list[float]:
    """How old the progress ``GET /api/jobs/{id}`` shows is, polled once a second per job."""
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


async def measure_level(
    stack: Stack, count: int, job_ids: list[str], args: argparse.Namespace, floor_rate: float
) -> Level:
    """Alternated rounds, jobwire first in each pair, then polling with no client connected."""
    level = Level(clients=count)
    for _ in range(args.rounds):
        await feed_round(stack, level, job_ids, args)
        await floor_round(stack, level, args, floor_rate)
    level.polled = percentiles(await poll_baseline(stack, job_ids, args.seconds))
    return level


async def start_jobs(stack: Stack, user: str, spec: dict[str, Any]) -> list[str]:
    """One job of ``spec`` for each of ``JOBS`` users (``user`` formats the index)."""
    job_ids: list[str] = []
    for index in range(JOBS):
        token = issue_token(stack.settings, user.format(index))
        async with httpx.AsyncClient(
            base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            response = await http.post("/api/jobs", json=spec)
            response.raise_for_status()
            job_ids.append(response.json()["job_id"])
    return job_ids


async def until_finished(stack: Stack, job_ids: list[str], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    for index, job_id in enumerate(job_ids):
        token = issue_token(stack.settings, IDLE_USER.format(index))
        async with httpx.AsyncClient(
            base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            while (await http.get(f"/api/jobs/{job_id}")).json()["state"] != "completed":
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{job_id} did not complete in {timeout:.0f} s")
                await asyncio.sleep(0.5)


async def idle_figures(stack: Stack, count: int, parts: int) -> tuple[float, float]:
    """Bytes of server memory per idle client: jobwire's API (each client subscribed to its
    user's finished job) and the bare floor publishing nothing, the same clients for both."""
    job_ids = await start_jobs(stack, IDLE_USER, {"type": "count", "items": 1})
    await until_finished(stack, job_ids)
    tokens = [issue_token(stack.settings, IDLE_USER.format(user)) for user in range(JOBS)]
    orders: dict[str, Any] = {"url": stack.api_url, "job_ids": job_ids, "tokens": tokens}
    jobwire = await idle_memory(orders, count, api_pid(stack), parts)
    async with floor_server(JOBS, 0) as (url, pid):
        orders = {"url": url, "job_ids": job_ids, "tokens": tokens, "subscribe": False}
        floor = await idle_memory(orders, count, pid, parts)
    return jobwire, floor


async def reference_cpu(stack: Stack, seconds: float) -> dict[str, float]:
    """Every process's CPU under the reference load's jobs with no client connected."""
    meter = CpuMeter(processes({"API": stack.api_pid} | background(stack)))
    await asyncio.sleep(seconds)
    return meter.shares() | {"whole machine": meter.machine()}


async def reference_load(stack: Stack, seconds: float) -> tuple[dict[str, float], float]:
    """``reference_cpu``, and the events a second each job published meanwhile (the feed's
    count of copies): the rate the floor then broadcasts to each of its rooms."""
    redis = Redis.from_url(str(stack.settings.redis_url))
    try:
        before = int(await redis.get(keys.EVENTS_PUBLISHED) or 0)
        started = time.monotonic()
        shares = await reference_cpu(stack, seconds)
        published = int(await redis.get(keys.EVENTS_PUBLISHED) or 0) - before
        return shares, published / (time.monotonic() - started) / JOBS
    finally:
        await redis.aclose()


async def run(stack: Stack, levels: list[int], args: argparse.Namespace) -> str:
    job_ids = await start_jobs(
        stack, "u{}", {"type": "count", "items": 20_000, "item_seconds": 0.1}
    )
    await asyncio.sleep(5)  # every job running and publishing
    quiet, floor_rate = await reference_load(stack, max(args.seconds, 5.0))
    idle = await idle_figures(stack, max(levels), args.processes)
    measured = [await measure_level(stack, count, job_ids, args, floor_rate) for count in levels]
    series: Series = {"jobwire feed": [], "bare python-socketio": [], "polling (age)": []}
    for level in measured:
        series["jobwire feed"].append(level.feed.medians())
        series["bare python-socketio"].append(level.floor.medians())
        series["polling (age)"].append((level.polled["p50"], level.polled["p99"]))
    plot_path = args.docs.parent / PLOT_NAME
    title = f"Live feed, {JOBS} jobs at ~10 events/s each (bench.feed, medians of rounds)"
    latency_plot(levels, series, plot_path, title)
    return section(measured, quiet, (max(levels), *idle), args, plot_path, JOBS, floor_rate)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", default="1,100,1000")
    parser.add_argument("--seconds", type=float, default=10.0, help="recorded per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each side per level")
    parser.add_argument("--processes", type=int, default=2, help="client processes per round")
    add_docs_option(parser)
    args = parser.parse_args()
    if args.rounds < 1 or args.processes < 1:
        parser.error("--rounds and --processes must be at least 1")
    levels = [int(level) for level in args.clients.split(",")]
    async with bench_stack(progress_event_seconds=0.1) as stack:
        body = await run(stack, levels, args)
    write_section("feed", body, args.docs)
    print(body)


if __name__ == "__main__":
    asyncio.run(main())
