"""REST API latency and throughput, beside Temporal and Redis called directly.

    python -m bench.api            # writes the "api" section of docs/BENCHMARKS.md

POST /api/jobs at concurrency 1, 16 and 64 is measured beside JobService.submit (validation
plus Temporal's start_workflow) from the same process, so the ratio is what HTTP, auth,
rate limiting and serialization add. GET /api/jobs/{id} for a running and a closed job is
measured beside a bare Redis GET. Then the worker's CPU while 100 pollers read running jobs,
beside its CPU with no poller, in alternated windows (``bench.api_pollers``).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
from redis.asyncio import Redis
from temporalio.api.batch.v1 import BatchOperationTermination
from temporalio.api.workflowservice.v1 import StartBatchOperationRequest
from temporalio.client import Client

from bench.api_pollers import measure_pollers, pollers_section
from bench.report import add_docs_option, table, write_section
from bench.stack import Stack, bench_stack, percentiles
from bench.support.counting import counting_registry
from jobwire.auth.tokens import issue_token
from jobwire.connections.temporal_client import connect_temporal
from jobwire.jobs.service import JobService
from jobwire.jobs.visibility_query import user_jobs

SPEC = {"type": "count", "items": 1}


Timing = tuple[list[float], float]
"""Each call's latency in seconds, and the wall time all of them took together."""


async def timed(call: Callable[[], Awaitable[object]], total: int, concurrency: int) -> Timing:
    samples: list[float] = []
    remaining = total

    async def lane() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            await call()
            samples.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return samples, time.perf_counter() - started


async def until_state(http: httpx.AsyncClient, job_id: str, state: str) -> None:
    for _ in range(600):
        if (await http.get(f"/api/jobs/{job_id}")).json()["state"] == state:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{job_id} never became {state}")


async def run(stack: Stack, per_level: int, poll_rounds: int, poll_seconds: float) -> str:
    settings = stack.settings
    token = issue_token(settings, "bench")
    temporal = await connect_temporal(settings)
    jobs = JobService(temporal, settings, counting_registry())
    redis = Redis.from_url(str(settings.redis_url))
    # Idle connections go before uvicorn closes them (after 5 s), or a reuse races the close.
    limits = httpx.Limits(max_connections=128, max_keepalive_connections=128, keepalive_expiry=2)
    async with httpx.AsyncClient(
        base_url=stack.api_url,
        headers={"Authorization": f"Bearer {token}"},
        limits=limits,
        timeout=60,
    ) as http:
        rows = await measure_posts(http, jobs, per_level)
        await end_backlog(temporal, "bench")
        rows += await measure_reads(http, redis, per_level)
        windows = await measure_pollers(stack, http, poll_rounds, poll_seconds)
    await redis.aclose()
    return section(rows) + "\n\n" + pollers_section(windows, poll_seconds)


async def measure_posts(
    http: httpx.AsyncClient, jobs: JobService, per_level: int
) -> list[list[object]]:
    """POST /api/jobs beside ``JobService.submit`` at concurrency 1, 16 and 64."""

    async def post() -> None:
        response = await http.post("/api/jobs", json=SPEC)
        assert response.status_code == 201, response.text

    async def direct() -> None:
        await jobs.submit("bench", SPEC)

    rows: list[list[object]] = []
    for concurrency in (1, 16, 64):
        total = per_level * max(1, concurrency // 4)
        api, baseline = await alternated(post, direct, total, concurrency)
        rows.append(row(f"POST /api/jobs x{concurrency}", api, baseline, "{:.2f}x"))
    return rows


async def end_backlog(temporal: Client, user_id: str) -> None:
    """Terminates the thousands of jobs the POST rows started, in one batch operation: the
    reads are of a job that runs on an idle worker, not of one queued behind them all (nor
    measured while the worker and Temporal work through them on the same two cores)."""
    query = f"{user_jobs(user_id)} AND ExecutionStatus = 'Running'"
    await temporal.workflow_service.start_batch_operation(
        StartBatchOperationRequest(
            namespace=temporal.namespace,
            visibility_query=query,
            job_id=f"bench-backlog-{uuid.uuid4()}",
            reason="the POST rows are measured; their jobs are not needed",
            termination_operation=BatchOperationTermination(),
        )
    )
    for _ in range(600):
        if (await temporal.count_workflows(query)).count == 0:
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"jobs of {user_id} still run after their batch termination")


async def alternated(
    call: Callable[[], Awaitable[None]],
    baseline: Callable[[], Awaitable[None]],
    total: int,
    concurrency: int,
) -> tuple[Timing, Timing]:
    """Both sides in four rounds, alternating which goes first: the jobs each side starts load
    the dev server for a while after, and neither side should always inherit the other's load."""
    call_samples: list[float] = []
    baseline_samples: list[float] = []
    call_time = baseline_time = 0.0
    for round_number in range(4):
        order = (call, baseline) if round_number % 2 == 0 else (baseline, call)
        for side in order:
            samples, seconds = await timed(side, total // 4, concurrency)
            if side is call:
                call_samples += samples
                call_time += seconds
            else:
                baseline_samples += samples
                baseline_time += seconds
    return (call_samples, call_time), (baseline_samples, baseline_time)


async def measure_reads(
    http: httpx.AsyncClient, redis: Redis, per_level: int
) -> list[list[object]]:
    """GET /api/jobs/{id} of a running and a closed job, each beside a bare Redis GET in
    alternated rounds (measured one after the other, a ratio drifted with the machine's load:
    15x and 22x in two runs a day apart)."""
    running = (
        await http.post("/api/jobs", json={"type": "count", "items": 100_000, "item_seconds": 0.05})
    ).json()["job_id"]
    closed = (await http.post("/api/jobs", json=SPEC)).json()["job_id"]
    await until_state(http, closed, "completed")
    await until_state(http, running, "running")
    await redis.set("bench:key", "x" * 200)

    async def redis_get() -> None:
        await redis.get("bench:key")

    rows: list[list[object]] = []
    for label, job_id in (("running", running), ("closed", closed)):

        async def get(job_id: str = job_id) -> None:
            response = await http.get(f"/api/jobs/{job_id}")
            assert response.status_code == 200

        measured, baseline = await alternated(get, redis_get, per_level * 4, 1)
        rows.append(
            row(f"GET /api/jobs/{{id}} ({label}) vs Redis GET", measured, baseline, "{:.0f}x")
        )

    async def healthz() -> None:
        assert (await http.get("/healthz")).status_code == 200

    # What HTTP alone costs here (client, uvicorn, FastAPI and the middleware, no read): the
    # part of a job's GET that no read model can take away.
    floor, baseline = await alternated(healthz, redis_get, per_level * 4, 1)
    rows.append(row("GET /healthz (HTTP alone) vs Redis GET", floor, baseline, "{:.0f}x"))
    await http.post(f"/api/jobs/{running}/cancel")
    return rows


def row(call: str, measured: Timing, baseline: Timing, ratio: str) -> list[object]:
    """One table row: p50, p99 and rate of the call and of its baseline, and their p50 ratio
    (``ratio`` formats it)."""
    (samples, seconds), (base, base_seconds) = measured, baseline
    m, b = percentiles(samples), percentiles(base)
    return [
        call,
        m["p50"],
        m["p99"],
        round(len(samples) / seconds, 1),
        b["p50"],
        b["p99"],
        round(len(base) / base_seconds, 1),
        ratio.format(m["p50"] / b["p50"]),
    ]


def section(rows: list[list[object]]) -> str:
    header = [
        "call",
        "p50 ms",
        "p99 ms",
        "per s",
        "baseline p50 ms",
        "baseline p99 ms",
        "baseline per s",
        "p50 ratio",
    ]
    return "\n".join(
        [
            "## API",
            "",
            "`python -m bench.api`: one `jobwire api` and one `jobwire worker` process on a "
            "Temporal dev server (SQLite) and Redis, the client in a third process. Baselines: "
            "`JobService.submit` (validation + `start_workflow`) for POST, a bare Redis `GET` "
            "for reads. The jobs the POST rows start are terminated in one batch before the "
            "reads, so a read is of a job on an idle worker.",
            "",
            table(header, rows),
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-level", type=int, default=100, help="requests per level (xc/4)")
    parser.add_argument("--poll-rounds", type=int, default=3, help="windows of each kind")
    parser.add_argument("--poll-seconds", type=float, default=5.0, help="length of a window")
    add_docs_option(parser)
    args = parser.parse_args()
    if args.poll_rounds < 1:
        parser.error("--poll-rounds must be at least 1")
    async with bench_stack() as stack:
        section = await run(stack, args.per_level, args.poll_rounds, args.poll_seconds)
    write_section("api", section, args.docs)
    print(section)


if __name__ == "__main__":
    asyncio.run(main())
