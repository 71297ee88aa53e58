"""Where a benchmark's CPU went: process CPU seconds per wall second over one window.

On this 2-core machine the servers, the worker, Temporal, Redis and the benchmark's own
clients all share the same cores, so a latency figure means little without knowing who was
busy while it was taken. A group (``clients``) may hold several processes: its share is their
sum, and ``busiest`` says whether any one of them came near a full core.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import psutil


class CpuMeter:
    """CPU seconds each group of processes spent since the meter was made, per wall second
    (one core fully busy = 1.0)."""

    def __init__(self, groups: Mapping[str, Sequence[psutil.Process]]) -> None:
        self.groups = {name: list(processes) for name, processes in groups.items()}
        self.started = time.monotonic()
        self.machine_before = machine_busy()
        self.before = {
            name: [cpu_seconds(process) for process in processes]
            for name, processes in self.groups.items()
        }

    def per_process(self) -> dict[str, list[float]]:
        elapsed = time.monotonic() - self.started
        return {
            name: [
                (cpu_seconds(process) - before) / elapsed
                for process, before in zip(processes, self.before[name], strict=True)
            ]
            for name, processes in self.groups.items()
        }

    def shares(self) -> dict[str, float]:
        return {name: sum(shares) for name, shares in self.per_process().items()}

    def machine(self) -> float:
        """The whole machine's busy CPU per wall second, this benchmark's or not: on a shared
        machine, what the watched processes leave of it is what others took."""
        return (machine_busy() - self.machine_before) / (time.monotonic() - self.started)


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def machine_busy() -> float:
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def processes(pids: Mapping[str, int | None]) -> dict[str, list[psutil.Process]]:
    """One single-process group per named pid; a pid the stack did not start is left out."""
    return {name: [psutil.Process(pid)] for name, pid in pids.items() if pid is not None}
