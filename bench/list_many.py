"""The job list for a user with many jobs, beside a bare visibility list in the same run.

    python -m bench.list_many              # 10,000 jobs; the "list_many" section of BENCHMARKS.md
    python -m bench.list_many --jobs 500   # a quick pass

The jobs are started on a task queue no worker polls, so each costs one ``start_workflow``
and nothing after: they sit in visibility as created jobs, every other one tagged
``nightly``. ``GET /api/jobs`` (first page, and the first page of ``?tag=nightly``) is timed
beside ``Client.list_workflows`` fetching the same first page for the same query, the two
alternating so neither always inherits the other's load.
"""

from __future__ import annotations

import argparse
import asyncio

import httpx
from temporalio.client import Client

from bench.api import alternated, row
from bench.report import add_docs_option, table, write_section
from bench.stack import Stack, bench_stack
from bench.support.counting import counting_registry
from jobwire.auth.tokens import issue_token
from jobwire.connections.temporal_client import connect_temporal
from jobwire.contract.filters import JobFilter
from jobwire.jobs.reading import JobReader
from jobwire.jobs.submission import JobStarter
from jobwire.jobs.visibility_query import filtered_jobs

USER = "bench-many"
IDLE_QUEUE = "bench-idle"
"""No worker polls it: a job started here is listed and never runs."""
STARTERS = 32


async def seed(stack: Stack, temporal: Client, jobs: int) -> None:
    """``jobs`` jobs of ``USER`` in visibility, every other one tagged ``nightly``."""
    idle = stack.settings.model_copy(update={"task_queue": IDLE_QUEUE})
    starter = JobStarter(temporal, idle, counting_registry(), JobReader(temporal))
    remaining = list(range(jobs))

    async def lane() -> None:
        while remaining:
            number = remaining.pop()
            tags = ["nightly"] if number % 2 == 0 else []
            spec = {"type": "count", "items": 1, "name": f"job {number:05d}", "tags": tags}
            await starter.submit(USER, spec)

    await asyncio.gather(*(lane() for _ in range(STARTERS)))
    query = filtered_jobs(USER, JobFilter())
    for _ in range(600):
        if (await temporal.count_workflows(query)).count >= jobs:
            return
        await asyncio.sleep(0.5)
    raise RuntimeError("visibility never counted every seeded job")


async def measure(stack: Stack, temporal: Client, samples: int, page: int) -> list[list[object]]:
    token = issue_token(stack.settings, USER)
    rows: list[list[object]] = []
    async with httpx.AsyncClient(
        base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        for label, params, job_filter in (
            ("GET /api/jobs, first page", {}, JobFilter()),
            (
                "GET /api/jobs?tag=nightly, first page",
                {"tag": "nightly"},
                JobFilter(tags=["nightly"]),
            ),
        ):
            query = filtered_jobs(USER, job_filter)

            async def api(params: dict[str, str] = params) -> None:
                response = await http.get("/api/jobs", params={**params, "limit": str(page)})
                assert response.status_code == 200, response.text
                assert len(response.json()["items"]) == page

            async def bare(query: str = query) -> None:
                iterator = temporal.list_workflows(query, page_size=page)
                await iterator.fetch_next_page(page_size=page)
                assert len(iterator.current_page or []) == page

            measured, baseline = await alternated(api, bare, samples, 1)
            rows.append(row(label, measured, baseline, "{:.2f}x"))
    return rows


def section(rows: list[list[object]], jobs: int, page: int) -> str:
    header = [
        "call",
        "p50 ms",
        "p99 ms",
        "per s",
        "list_workflows p50 ms",
        "list_workflows p99 ms",
        "list_workflows per s",
        "p50 ratio",
    ]
    return "\n".join(
        [
            "## A list of many jobs",
            "",
            f"`python -m bench.list_many --jobs {jobs}`: one user with {jobs:,} jobs in "
            "visibility (Temporal dev server, SQLite), half of them tagged `nightly`; pages "
            f"of {page}. Baseline: `Client.list_workflows` fetching the same first page for "
            "the same visibility query, from the bench process.",
            "",
            table(header, rows),
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=10_000, help="jobs the user has")
    parser.add_argument("--samples", type=int, default=200, help="requests of each kind")
    parser.add_argument("--page", type=int, default=50, help="page size")
    add_docs_option(parser)
    args = parser.parse_args()
    if args.jobs < args.page * 2:
        parser.error("--jobs must fill at least two pages")
    async with bench_stack() as stack:
        temporal = await connect_temporal(stack.settings)
        await seed(stack, temporal, args.jobs)
        rows = await measure(stack, temporal, args.samples, args.page)
    text = section(rows, args.jobs, args.page)
    write_section("list_many", text, args.docs)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
