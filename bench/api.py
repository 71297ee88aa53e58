"""REST API latency and throughput, beside Temporal and Redis called directly.

    python -m bench.api            # writes the "api" section of docs/BENCHMARKS.md

POST /api/jobs at concurrency 1, 16 and 64 is measured beside JobService.submit (validation
plus Temporal's start_workflow) from the same process, so the ratio is what HTTP, auth,
rate limiting and serialization add. GET /api/jobs/{id} for a running and a closed job is
measured beside a bare Redis GET.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
from redis.asyncio import Redis

from bench.report import add_docs_option, table, write_section
from bench.stack import Stack, bench_stack, percentiles
from bench.support.counting import counting_registry
from jobwire.auth.tokens import issue_token
from jobwire.connections.temporal_client import connect_temporal
from jobwire.jobs.service import JobService

SPEC = {"type": "count", "items": 1}


async def timed(
    call: Callable[[], Awaitable[object]], total: int, concurrency: int
) -> tuple[list[float], float]:
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


async def run(stack: Stack, per_level: int) -> str:
    settings = stack.settings
    token = issue_token(settings, "bench")
    temporal = await connect_temporal(settings)
    jobs = JobService(temporal, settings, counting_registry())
    redis = Redis.from_url(str(settings.redis_url))
    limits = httpx.Limits(max_connections=128, max_keepalive_connections=128)
    rows: list[list[object]] = []
    async with httpx.AsyncClient(
        base_url=stack.api_url,
        headers={"Authorization": f"Bearer {token}"},
        limits=limits,
        timeout=60,
    ) as http:

        async def post() -> None:
            response = await http.post("/api/jobs", json=SPEC)
            assert response.status_code == 201, response.text

        async def direct() -> None:
            await jobs.submit("bench", SPEC)

        for concurrency in (1, 16, 64):
            total = per_level * max(1, concurrency // 4)
            api_samples, direct_samples = [], []
            api_time = direct_time = 0.0
            # Alternate which side goes first: the jobs each side starts load the dev server
            # for a while after, and neither side should always inherit the other's load.
            for round_number in range(4):
                order = (post, direct) if round_number % 2 == 0 else (direct, post)
                for call in order:
                    samples, seconds = await timed(call, total // 4, concurrency)
                    if call is post:
                        api_samples += samples
                        api_time += seconds
                    else:
                        direct_samples += samples
                        direct_time += seconds
            api_rate, direct_rate = len(api_samples) / api_time, len(direct_samples) / direct_time
            a, d = percentiles(api_samples), percentiles(direct_samples)
            rows.append(
                [
                    f"POST /api/jobs x{concurrency}",
                    a["p50"],
                    a["p99"],
                    round(api_rate, 1),
                    d["p50"],
                    d["p99"],
                    round(direct_rate, 1),
                    f"{a['p50'] / d['p50']:.2f}x",
                ]
            )

        running = (
            await http.post(
                "/api/jobs", json={"type": "count", "items": 100_000, "item_seconds": 0.05}
            )
        ).json()["job_id"]
        closed = (await http.post("/api/jobs", json=SPEC)).json()["job_id"]
        await until_state(http, closed, "completed")
        await until_state(http, running, "running")
        await redis.set("bench:key", "x" * 200)

        async def redis_get() -> None:
            await redis.get("bench:key")

        for label, job_id in (("running", running), ("closed", closed)):

            async def get(job_id: str = job_id) -> None:
                response = await http.get(f"/api/jobs/{job_id}")
                assert response.status_code == 200

            samples, seconds = await timed(get, per_level * 2, 1)
            base, base_seconds = await timed(redis_get, per_level * 2, 1)
            rate, base_rate = len(samples) / seconds, len(base) / base_seconds
            g, r = percentiles(samples), percentiles(base)
            rows.append(
                [
                    f"GET /api/jobs/{{id}} ({label}) vs Redis GET",
                    g["p50"],
                    g["p99"],
                    round(rate, 1),
                    r["p50"],
                    r["p99"],
                    round(base_rate, 1),
                    f"{g['p50'] / r['p50']:.0f}x",
                ]
            )
        await http.post(f"/api/jobs/{running}/cancel")
    await redis.aclose()
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
            "for reads.",
            "",
            table(header, rows),
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-level", type=int, default=100, help="requests per level (xc/4)")
    add_docs_option(parser)
    args = parser.parse_args()
    async with bench_stack() as stack:
        section = await run(stack, args.per_level)
    write_section("api", section, args.docs)
    print(section)


if __name__ == "__main__":
    asyncio.run(main())
