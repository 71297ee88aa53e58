"""A throwaway stack for benchmarks: a Temporal dev server, Redis, and jobwire processes, all
on loopback ports of their own, torn down when the benchmark ends."""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.support.processes import settings_env
from bench.support.throwaway import api_ready, throwaway_servers
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.devstack.processes import ManagedProcess
from jobwire.cli.devstack.redis_server import RedisServer
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ["bench.support.counting_plugin"]


@dataclass
class Stack:
    settings: Settings
    root: Path
    api_url: str
    api_pid: int | None = None
    worker_pid: int | None = None
    temporal_pid: int | None = None
    redis_pid: int | None = None
    temporal_metrics_url: str | None = None

    def process(self, command: str, name: str, **overrides: Any) -> ManagedProcess:
        return ManagedProcess(
            name,
            [sys.executable, "-m", "jobwire.cli.main", command],
            log_path=self.root / f"{name}.log",
            env=settings_env(self.settings, job_type_modules=PLUGIN, **overrides),
            cwd=ROOT,
        )


def stack_settings(
    temporal: TemporalDevServer, redis: RedisServer, root: Path, **overrides: Any
) -> Settings:
    """Settings aimed at throwaway servers, with the job rate limit out of a benchmark's way."""
    return Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal.address,
        redis_url=redis.url,
        jwt_secret="bench-secret-" + "b" * 40,
        data_dir=root / "data",
        jobs_per_minute_per_user=10_000_000,
        **overrides,
    )


@asynccontextmanager
async def bench_stack(**settings_overrides: Any) -> AsyncIterator[Stack]:
    with tempfile.TemporaryDirectory(prefix="jobwire-bench-") as folder:
        root = Path(folder)
        async with AsyncExitStack() as stack:
            temporal, redis = await stack.enter_async_context(throwaway_servers(root))
            api_port = free_port()
            settings = stack_settings(
                temporal, redis, root, api_port=api_port, **settings_overrides
            )
            bench = Stack(settings=settings, root=root, api_url=f"http://127.0.0.1:{api_port}")
            worker = bench.process("worker", "worker")
            api = bench.process("api", "api")
            for child in (worker, api):
                await child.start()
                stack.push_async_callback(child.stop)
            await api.wait_ready(lambda: api_ready(bench.api_url), timeout=60)
            bench.api_pid, bench.worker_pid = api.pid, worker.pid
            bench.temporal_pid, bench.redis_pid = temporal.pid, redis.pid
            bench.temporal_metrics_url = temporal.metrics_url
            yield bench


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    cuts = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else [ordered[0]] * 99
    )
    return {"p50": round(cuts[49] * 1000, 2), "p99": round(cuts[98] * 1000, 2)}
