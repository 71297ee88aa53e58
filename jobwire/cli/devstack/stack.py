"""The whole development stack on one machine: Temporal, Redis, one worker and the API.

`jobwire dev` starts the four in order, waits until each is healthy, and stops them in reverse
order. Worker and API run as `jobwire worker` / `jobwire api` child processes, exactly as in
production, so what works here works there.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from jobwire.cli.devstack.ports import ensure_port_free
from jobwire.cli.devstack.processes import ManagedProcess, ReadinessCheck
from jobwire.cli.devstack.redis_server import RedisChoice, RedisServer, choose_redis
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.connections.temporal_client import connect_temporal
from jobwire.settings import Settings


@dataclass
class DevStack:
    settings: Settings
    temporal: TemporalDevServer | None = None
    redis: RedisServer | None = None
    redis_choice: RedisChoice | None = None
    children: list[ManagedProcess] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir.resolve()

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def redis_url(self) -> str:
        if self.redis_choice is not None and self.redis_choice.url:
            return self.redis_choice.url
        if self.redis is None:
            raise RuntimeError("Redis has not started")
        return self.redis.url

    def check_ports(self) -> None:
        """Fails before anything starts, naming the busy port and the setting that moves it."""
        s = self.settings
        ensure_port_free(s.temporal_host, s.temporal_port, "JOBWIRE_TEMPORAL_ADDRESS")
        ensure_port_free(s.temporal_host, s.temporal_ui_port, "JOBWIRE_TEMPORAL_UI_PORT")
        if not s.redis_url:
            ensure_port_free("127.0.0.1", s.redis_port, "JOBWIRE_REDIS_PORT")
        ensure_port_free(s.api_host, s.api_port, "JOBWIRE_API_PORT")

    async def start(self) -> None:
        self.check_ports()
        try:
            await self._start_temporal()
            await self._start_redis()
            await self._start_child("worker", self._worker_ready)
            await self._start_child("api", self._api_ready)
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        for child in reversed(self.children):
            await child.stop()
        self.children.clear()
        if self.redis is not None:
            await self.redis.stop()
        if self.temporal is not None:
            await self.temporal.stop()

    def child_pids(self) -> list[int]:
        pids = [child.pid for child in self.children]
        pids += [server.pid for server in (self.redis, self.temporal) if server is not None]
        return [pid for pid in pids if pid is not None]

    async def _start_temporal(self) -> None:
        s = self.settings
        self.temporal = TemporalDevServer(
            host=s.temporal_host,
            port=s.temporal_port,
            ui_port=s.temporal_ui_port,
            db_path=self.data_dir / "temporal.sqlite",
            log_path=self.logs_dir / "temporal.log",
            namespace=s.temporal_namespace,
            timer_shift_seconds=s.temporal_dev_timer_shift_seconds,
        )
        await self.temporal.start()

    async def _start_redis(self) -> None:
        self.redis_choice = choose_redis(self.settings)
        if self.redis_choice.binary is None:
            return
        self.redis = RedisServer(
            binary=self.redis_choice.binary,
            port=self.settings.redis_port,
            data_dir=self.data_dir / "redis",
            log_path=self.logs_dir / "redis.log",
        )
        await self.redis.start()

    def child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["JOBWIRE_REDIS_URL"] = self.redis_url
        env["JOBWIRE_TEMPORAL_ADDRESS"] = self.settings.temporal_address
        env["JOBWIRE_DATA_DIR"] = str(self.data_dir)
        return env

    async def _start_child(self, command: str, ready: ReadinessCheck) -> None:
        process = ManagedProcess(
            command,
            [sys.executable, "-m", "jobwire.cli.main", command],
            log_path=self.logs_dir / f"{command}.log",
            env=self.child_env(),
        )
        self.children.append(process)
        await process.start()
        await process.wait_ready(ready, timeout=90, interval=0.5)

    async def _worker_ready(self) -> bool:
        client = await connect_temporal(self.settings)
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=self.settings.temporal_namespace,
                task_queue=TaskQueue(name=self.settings.task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        return len(response.pollers) > 0

    async def _api_ready(self) -> bool:
        async with httpx.AsyncClient(timeout=2) as http:
            response = await http.get(f"{self.settings.api_base_url}/readyz")
        return response.status_code == httpx.codes.OK
