"""Every benchmark, one after the other, each on a fresh throwaway stack.

    python -m bench                # full size; figures into docs/BENCHMARKS.md
    python -m bench --short        # a quick pass of each; figures into a scratch page
    python -m bench --only feed,soak

Each benchmark runs as a process of its own, so one's servers, caches and memory never
colour the next one's figures. A benchmark that fails is reported and the others still run;
the exit code says whether all of them passed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import PATH
from bench.stack import ROOT

BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    # name: (full arguments, short arguments)
    "api": ([], ["--per-level", "20", "--poll-rounds", "2", "--poll-seconds", "2"]),
    "feed": ([], ["--clients", "1,100", "--seconds", "3"]),
    "analysis": ([], ["--rows", "20000"]),
    "engine": ([], ["--crashes", "1"]),
    "soak": ([], ["--short"]),
    "peers": ([], ["--short"]),
    "startup": (["--baseline-ref", "dc020c1"], ["--rounds", "2"]),
    "socket_memory": ([], ["--subscribes", "100"]),
    "list_many": ([], ["--jobs", "500", "--samples", "40"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="a quick pass of each")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated names")
    args = parser.parse_args()
    names = [name for name in args.only.split(",") if name]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    with tempfile.TemporaryDirectory(prefix="jobwire-bench-") as scratch:
        docs = Path(scratch) / "BENCHMARKS.md" if args.short else PATH
        failed = [name for name in names if not run(name, args.short, docs)]
        if args.short and docs.exists():
            print(docs.read_text())
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    sys.exit(1 if failed else 0)


def run(name: str, short: bool, docs: Path) -> bool:
    full, quick = BENCHMARKS[name]
    command = [sys.executable, "-m", f"bench.{name}", *(quick if short else full)]
    command += ["--docs", str(docs)]
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, check=False)
    print(f"== {name}: exit {done.returncode} after {time.monotonic() - started:.0f} s", flush=True)
    return done.returncode == 0


if __name__ == "__main__":
    main()
