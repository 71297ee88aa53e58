"""The peers' worker processes: real children in process groups of their own, so a benchmark
can ``kill -9`` one the way a crashed host would, and never leaves one behind."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from bench.engine import running_worker_pid
from bench.stack import ROOT, Stack
from jobwire.cli.devstack.processes import ManagedProcess, ReadinessCheck

STARTUP_SECONDS = 60.0


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    return env | {"PYTHONPATH": str(ROOT)} | extra


def _process(stack: Stack, name: str, argv: Sequence[str], **env: str) -> ManagedProcess:
    return ManagedProcess(
        name, argv, log_path=stack.root / f"{name}.log", env=_env(**env), cwd=ROOT
    )


async def polls(client: Client, task_queue: str, pid: int) -> bool:
    """Whether the worker with this pid polls both kinds of the queue's tasks."""
    for kind in (
        TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    ):
        answer = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=kind,
            )
        )
        if not any(poller.identity.startswith(f"{pid}@") for poller in answer.pollers):
            return False
    return True


@asynccontextmanager
async def temporal_workers(
    stack: Stack, client: Client, task_queue: str, count: int
) -> AsyncIterator[list[ManagedProcess]]:
    """``count`` plain-Temporal peer workers on one task queue, each polling before this
    yields."""
    async with AsyncExitStack() as exits:
        workers = []
        for number in range(count):
            worker = _process(
                stack,
                f"temporal-peer-worker-{number}",
                [
                    sys.executable,
                    "-m",
                    "bench.peers.temporal_worker",
                    stack.settings.temporal_address,
                    task_queue,
                    str(stack.settings.redis_url),
                ],
            )
            await worker.start()
            exits.push_async_callback(worker.stop, grace=3)
            workers.append(worker)
        for worker in workers:
            await worker.wait_ready(polling(client, task_queue, worker), timeout=STARTUP_SECONDS)
        yield workers


@asynccontextmanager
async def celery_workers(
    stack: Stack,
    count: int,
    *,
    label: str,
    acks_late: bool = False,
    visibility_timeout: float = 3600,
    concurrency: int = 4,
) -> AsyncIterator[list[ManagedProcess]]:
    """``count`` Celery workers (prefork, ``concurrency`` children each), ready to consume."""
    async with AsyncExitStack() as exits:
        workers = []
        for number in range(count):
            name = f"celery-{label}-{number}"
            ready = stack.root / f"{name}.ready"
            ready.unlink(missing_ok=True)
            worker = _process(
                stack,
                name,
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--app",
                    "bench.peers.celery_app",
                    "worker",
                    "--hostname",
                    f"{name}@%h",
                    "--concurrency",
                    str(concurrency),
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                ],
                BENCH_CELERY_REDIS_URL=str(stack.settings.redis_url),
                BENCH_CELERY_ACKS_LATE="1" if acks_late else "0",
                BENCH_CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout),
                BENCH_CELERY_READY_FILE=str(ready),
            )
            await worker.start()
            exits.push_async_callback(worker.stop, grace=3)
            workers.append((worker, ready))
        for worker, ready in workers:
            await worker.wait_ready(_file_exists(ready), timeout=STARTUP_SECONDS)
        yield [worker for worker, _ in workers]


def polling(client: Client, task_queue: str, worker: ManagedProcess) -> ReadinessCheck:
    async def check() -> bool:
        return worker.pid is not None and await polls(client, task_queue, worker.pid)

    return check


def _file_exists(path: Path) -> ReadinessCheck:
    async def check() -> bool:
        return await asyncio.to_thread(path.exists)

    return check


def kill_group(pid: int) -> None:
    """``kill -9`` of the process group ``pid`` belongs to: a worker and all its children."""
    os.killpg(os.getpgid(pid), signal.SIGKILL)


async def kill_job_worker(temporal: Client, job_id: str) -> None:
    """``kill -9`` of the worker running the job's activity, once one has started it."""
    for _ in range(100):
        pid = await running_worker_pid(temporal, job_id)
        if pid is not None:
            kill_group(pid)
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"no worker is running {job_id}")
