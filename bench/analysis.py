"""Analysis throughput with checkpoints through Temporal, beside the bare computation.

    python -m bench.analysis        # writes the "analysis" section of docs/BENCHMARKS.md

Two CSV files, one ten times the other, are analysed as jobs by a real `jobwire worker`
(chunks checkpointed through heartbeats, progress published) and, in this process, by the
same reading and folding code with no Temporal and no checkpoints. The worker's peak RSS
while each job runs shows whether memory stays flat as the file grows.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import tempfile
import time
from contextlib import aclosing
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

from activities.analysis.aggregates import new_state
from activities.analysis.datasets import chunks
from activities.analysis.models import AnalysisInput
from activities.analysis.phases import fold
from bench.report import add_docs_option, table, write_section
from bench.stack import Stack, bench_stack
from jobwire.auth.tokens import issue_token
from jobwire.settings import Settings


def write_prices(path: Path, rows: int) -> None:
    walk = random.Random(rows)
    price = 100.0
    with path.open("w") as out:
        out.write("day,close\n")
        for day in range(rows):
            price *= math.exp(walk.gauss(0.0002, 0.01))
            out.write(f"{day},{price:.6f}\n")


async def bare(spec: AnalysisInput, settings: Settings) -> float:
    """Rows per second of the same reading and folding, in process, nothing persisted."""
    state = new_state(spec)
    column: int | None = None

    def remember(index: int) -> None:
        nonlocal column
        column = index

    started = time.perf_counter()
    async with aclosing(chunks(spec, settings, 0, None, on_header=remember)) as stream:
        async for chunk in stream:
            state = fold(spec, state, chunk.values)
    return int(state["rows"]) / (time.perf_counter() - started)


async def as_job(stack: Stack, spec: dict[str, Any]) -> tuple[float, int]:
    """Rows per second of the job (start to finish, from its record) and the worker's peak RSS."""
    worker = psutil.Process(stack.worker_pid)
    token = issue_token(stack.settings, "bench")
    peak = worker.memory_info().rss
    async with httpx.AsyncClient(
        base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        job_id = (await http.post("/api/jobs", json=spec)).json()["job_id"]
        while True:
            peak = max(peak, worker.memory_info().rss)
            record = (await http.get(f"/api/jobs/{job_id}")).json()
            if record["state"] in {"completed", "failed", "cancelled"}:
                break
            await asyncio.sleep(0.1)
    assert record["state"] == "completed", record["error"]
    elapsed = (
        datetime.fromisoformat(record["finished_at"]) - datetime.fromisoformat(record["started_at"])
    ).total_seconds()
    return int(record["result"]["rows"]) / elapsed, peak


async def run(stack: Stack, sizes: list[int]) -> str:
    rows: list[list[object]] = []
    for count in sizes:
        name = f"prices-{count}.csv"
        spec: dict[str, Any] = {"type": "analysis", "dataset": {"kind": "file", "path": name}}
        job_rate, peak = await as_job(stack, spec)
        bare_rate = await bare(AnalysisInput.model_validate(spec), stack.settings)
        rows.append(
            [
                f"{count:,}",
                f"{job_rate:,.0f}",
                f"{bare_rate:,.0f}",
                f"{job_rate / bare_rate:.2f}",
                f"{peak / 2**20:.0f} MiB",
            ]
        )
    header = ["rows", "job rows/s", "bare rows/s", "job / bare", "worker peak RSS"]
    return "\n".join(
        [
            "## Analysis throughput",
            "",
            "`python -m bench.analysis`: a CSV under the files root analysed as a job by one "
            "`jobwire worker` (checkpoint every chunk, events published), beside the same "
            "reading and folding code in the benchmark process with no Temporal and no "
            "checkpoints, in the same run. The second file is ten times the first.",
            "",
            table(header, rows),
        ]
    )


async def measure(files: Path, sizes: list[int]) -> str:
    async with bench_stack(files_root=files) as stack:
        return await run(stack, sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the smaller file")
    add_docs_option(parser)
    args = parser.parse_args()
    sizes = [args.rows, args.rows * 10]
    with tempfile.TemporaryDirectory(prefix="jobwire-bench-files-") as folder:
        files = Path(folder)
        for count in sizes:
            write_prices(files / f"prices-{count}.csv", count)
        section = asyncio.run(measure(files, sizes))
    write_section("analysis", section, args.docs)
    print(section)


if __name__ == "__main__":
    main()
