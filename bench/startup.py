"""How long ``jobwire api`` takes to answer, and how much memory it holds, beside a bare
FastAPI app served by uvicorn in the same run.

    python -m bench.startup            # writes the "startup" section of docs/BENCHMARKS.md

Each round starts a fresh process and times it from spawn to its first ``/healthz`` 200; its
resident memory is read then. Rounds alternate between jobwire and the bare app, so both see
the same machine. The job types' I/O libraries (numpy, lxml through trafilatura) are native
modules, so whether the API loaded them shows in its memory map.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

from bench.report import add_docs_option, table, write_section
from bench.stack import ROOT, stack_settings
from bench.support.processes import settings_env
from bench.support.throwaway import throwaway_servers
from jobwire.cli.devstack.ports import free_port

BARE_APP = """
from fastapi import FastAPI
app = FastAPI()
@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
"""
JOB_IO_LIBRARIES = ("numpy", "lxml", "datasketches")


async def time_to_healthy(
    command: list[str], env: dict[str, str] | None, url: str
) -> tuple[float, float, list[str]]:
    """Seconds from spawn to the first 200, RSS in MiB then, and the job I/O libraries mapped."""
    started = time.perf_counter()
    process = psutil.Popen(command, env=env, cwd=ROOT, stdout=-3, stderr=-3)
    try:
        async with httpx.AsyncClient() as http:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command} exited with {process.returncode}")
                try:
                    if (await http.get(url, timeout=1)).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
        rss = process.memory_info().rss / 2**20
        mapped = {m.path for m in process.memory_maps()}
        loaded = [lib for lib in JOB_IO_LIBRARIES if any(f"/{lib}" in p for p in mapped)]
        return elapsed, rss, loaded
    finally:
        process.terminate()
        process.wait(10)


async def measure(rounds: int) -> str:
    with tempfile.TemporaryDirectory(prefix="jobwire-bench-") as folder:
        root = Path(folder)
        async with throwaway_servers(root) as (temporal, redis):
            jobwire_runs: list[tuple[float, float, list[str]]] = []
            bare_runs: list[tuple[float, float, list[str]]] = []
            (root / "bare_app.py").write_text(BARE_APP)
            for _ in range(rounds):
                port = free_port()
                settings = stack_settings(temporal, redis, root, api_port=port)
                jobwire_runs.append(
                    await time_to_healthy(
                        [sys.executable, "-m", "jobwire", "api"],
                        settings_env(settings),
                        f"http://127.0.0.1:{port}/healthz",
                    )
                )
                port = free_port()
                bare_command = [sys.executable, "-m", "uvicorn", "--app-dir", str(root)]
                bare_command += ["bare_app:app", "--port", str(port), "--log-level", "warning"]
                bare_runs.append(
                    await time_to_healthy(bare_command, None, f"http://127.0.0.1:{port}/healthz")
                )
    return section(jobwire_runs, bare_runs, rounds)


def section(
    jobwire_runs: list[tuple[float, float, list[str]]],
    bare_runs: list[tuple[float, float, list[str]]],
    rounds: int,
) -> str:
    def row(name: str, runs: list[tuple[float, float, list[str]]]) -> list[object]:
        seconds = [run[0] for run in runs]
        rss = [run[1] for run in runs]
        libraries = sorted({lib for run in runs for lib in run[2]}) or ["none"]
        return [
            name,
            f"{statistics.median(seconds):.2f} ({min(seconds):.2f}-{max(seconds):.2f})",
            f"{statistics.median(rss):.0f}",
            ", ".join(libraries),
        ]

    ratio_time = statistics.median(r[0] for r in jobwire_runs) / statistics.median(
        r[0] for r in bare_runs
    )
    ratio_rss = statistics.median(r[1] for r in jobwire_runs) / statistics.median(
        r[1] for r in bare_runs
    )
    header = ["process", "spawn to /healthz 200, s: median (min-max)", "RSS, MiB", "job I/O"]
    return (
        "## API start-up\n\n"
        f"`python -m bench.startup`: {rounds} rounds, each a fresh process, alternating with a "
        "bare FastAPI app on uvicorn.\n\n"
        + table(header, [row("jobwire api", jobwire_runs), row("bare FastAPI", bare_runs)])
        + f"\n\njobwire/bare: start {ratio_time:.2f}x, RSS {ratio_rss:.2f}x."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    add_docs_option(parser)
    args = parser.parse_args()
    body = asyncio.run(measure(args.rounds))
    print(body)
    write_section("startup", body, args.docs)


if __name__ == "__main__":
    main()
