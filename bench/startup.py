"""How long ``jobwire api`` takes to answer, and how much memory it holds, beside a bare
FastAPI app served by uvicorn, and beside an older checkout of jobwire, in the same run.

    python -m bench.startup                          # writes the "startup" section
    python -m bench.startup --baseline-ref dc020c1   # ...with that commit's API beside it

Each round starts a fresh process of each kind and times it from spawn to its first
``/healthz`` 200; its resident memory is read then. Rounds alternate the kinds, so all of them
see the same machine. The job types' I/O libraries (numpy, lxml through trafilatura) are
native modules, so whether an API loaded them shows in its memory map.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
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


@dataclass
class Runs:
    name: str
    seconds: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)

    def row(self) -> list[object]:
        s = self.seconds
        return [
            self.name,
            f"{statistics.median(s):.2f} ({min(s):.2f}-{max(s):.2f})",
            f"{statistics.median(self.rss_mib):.0f}",
            ", ".join(sorted(self.loaded)) or "none",
        ]


async def time_to_healthy(
    runs: Runs, command: list[str], env: dict[str, str] | None, port: int, cwd: Path = ROOT
) -> None:
    """Spawn to the first 200: the seconds, the RSS then, and the job I/O libraries mapped."""
    started = time.perf_counter()
    process = psutil.Popen(command, env=env, cwd=cwd, stdout=-3, stderr=-3)
    try:
        async with httpx.AsyncClient() as http:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command} exited with {process.returncode}")
                try:
                    if (await http.get(f"http://127.0.0.1:{port}/healthz", timeout=1)).is_success:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.02)
        runs.seconds.append(time.perf_counter() - started)
        runs.rss_mib.append(process.memory_info().rss / 2**20)
        mapped = {m.path for m in process.memory_maps()}
        runs.loaded |= {lib for lib in JOB_IO_LIBRARIES if any(f"/{lib}" in p for p in mapped)}
    finally:
        process.terminate()
        process.wait(10)


def checkout(ref: str, into: Path) -> Path:
    """A work tree of ``ref`` beside this one, to run that version's API from."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(into), ref])
    return into


async def measure(
    root: Path, rounds: int, old: Path | None, baseline_ref: str | None
) -> list[Runs]:
    (root / "bare_app.py").write_text(BARE_APP)
    async with throwaway_servers(root) as (temporal, redis):
        current = Runs("jobwire api")
        before = Runs(f"jobwire api at {baseline_ref}")
        bare = Runs("bare FastAPI")
        for _ in range(rounds):
            port = free_port()
            env = settings_env(stack_settings(temporal, redis, root, api_port=port))
            command = [sys.executable, "-m", "jobwire.cli.main", "api"]
            await time_to_healthy(current, command, env, port)
            if old is not None:
                port = free_port()
                env = settings_env(stack_settings(temporal, redis, root, api_port=port))
                env["PYTHONPATH"] = str(old)
                await time_to_healthy(before, command, env, port, cwd=old)
            port = free_port()
            bare_command = [sys.executable, "-m", "uvicorn", "--app-dir", str(root)]
            bare_command += ["bare_app:app", "--port", str(port), "--log-level", "warning"]
            await time_to_healthy(bare, bare_command, None, port)
    return [current, *([before] if old is not None else []), bare]


def section(runs: list[Runs], rounds: int) -> str:
    bare = runs[-1]

    def ratio(r: Runs) -> str:
        start = statistics.median(r.seconds) / statistics.median(bare.seconds)
        rss = statistics.median(r.rss_mib) / statistics.median(bare.rss_mib)
        return f"{r.name}: start {start:.2f}x, RSS {rss:.2f}x the bare app"

    header = ["process", "spawn to /healthz 200, s: median (min-max)", "RSS, MiB", "job I/O"]
    return (
        "## API start-up\n\n"
        f"`python -m bench.startup --baseline-ref REF`: {rounds} rounds, each a fresh process "
        "of each kind, in turn: this checkout's API, the API of an older commit run from a "
        "work tree of its own, and a bare FastAPI app on uvicorn.\n\n"
        + table(header, [r.row() for r in runs])
        + "\n\n"
        + "; ".join(ratio(r) for r in runs[:-1])
        + ". The API loads no job type's I/O any more; what is left of its start is importing "
        "temporalio, python-socketio and FastAPI and building the job types' schemas."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline-ref", help="a commit whose API runs beside this one")
    add_docs_option(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jobwire-bench-") as folder:
        root = Path(folder)
        old = checkout(args.baseline_ref, root / "baseline") if args.baseline_ref else None
        try:
            runs = asyncio.run(measure(root, args.rounds, old, args.baseline_ref))
        finally:
            if old is not None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)])
    body = section(runs, args.rounds)
    print(body)
    write_section("startup", body, args.docs)


if __name__ == "__main__":
    main()
