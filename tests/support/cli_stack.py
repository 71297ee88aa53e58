"""The stack a CLI user talks to: ``jobwire api`` as a real process (so a test can kill and
restart it), a worker with the built-in job types, and the ``jobwire`` command run as a user
runs it, in a subprocess with its URL and token in the environment."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.processes import ROOT, jobwire_process
from bench.support.throwaway import api_ready
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.devstack.processes import ManagedProcess
from jobwire.cli.server.worker import feed_publisher, running_worker
from jobwire.connections.services import Services
from jobwire.contract.registry import job_types
from jobwire.jobs.service import JobService
from jobwire.settings import Settings

CLI_TIMEOUT = 180.0


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)

    def json_lines(self) -> list[Any]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


@dataclass
class CliStack:
    settings: Settings
    jobs: JobService
    """Starts jobs through Temporal itself, for when the API is down."""
    api: ManagedProcess
    api_url: str
    home: Path
    run: str
    spawned: list[asyncio.subprocess.Process] = field(default_factory=list)

    def user(self, name: str) -> str:
        return f"{name}-{self.run}"

    def env(self, user: str | None = "alice", **extra: str) -> dict[str, str]:
        """A user's shell: no jobwire variables but the client's own, no config file."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOBWIRE_")}
        env |= {"HOME": str(self.home), "JOBWIRE_URL": self.api_url, "COLUMNS": "160"}
        # What the CLI does is tested here, not how fast: a shared machine stalled a restart
        # past the client's 10 s default once.
        env["JOBWIRE_TIMEOUT"] = "30"
        env["PYTHONPATH"] = str(ROOT)
        if user is not None:
            env["JOBWIRE_TOKEN"] = issue_token(self.settings, self.user(user))
        return env | extra

    async def spawn(
        self, *args: str, user: str | None = "alice", stdin: int = asyncio.subprocess.DEVNULL
    ) -> asyncio.subprocess.Process:
        """``jobwire *args`` left running, its output readable line by line."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "jobwire.cli.main",
            *args,
            stdin=stdin,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env(user),
            cwd=ROOT,
        )
        self.spawned.append(process)
        return process

    def kill_spawned(self) -> None:
        """What a test left running (it failed, or timed out waiting) dies with the test."""
        for process in self.spawned:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()

    async def cli(self, *args: str, user: str | None = "alice", stdin: str = "") -> CliResult:
        """``jobwire *args`` to its end, as ``user`` (None: with no token at all)."""
        process = await self.spawn(*args, user=user, stdin=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(stdin.encode()), CLI_TIMEOUT)
        assert process.returncode is not None
        return CliResult(process.returncode, out.decode(), err.decode())

    async def restart_api(self) -> None:
        """``kill -9`` of the API, then the same command on the same port."""
        await self.api.kill()
        await self.api.start()
        await self.api.wait_ready(lambda: api_ready(self.api_url), timeout=60)


@pytest_asyncio.fixture
async def cli_stack(
    settings: Settings, temporal_client: Client, redis: Redis, tmp_path: Path
) -> AsyncIterator[CliStack]:
    port = free_port()
    api = jobwire_process("api", settings, tmp_path / "api", api_port=port)
    services = Services(settings=settings, temporal=temporal_client, redis=redis)
    home = tmp_path / "home"
    home.mkdir()
    stack = CliStack(
        settings=settings,
        jobs=JobService(temporal_client, settings, job_types),
        api=api,
        api_url=f"http://127.0.0.1:{port}",
        home=home,
        run=os.urandom(4).hex(),
    )
    await api.start()
    try:
        await api.wait_ready(lambda: api_ready(stack.api_url), timeout=60)
        async with running_worker(settings, services, feed_publisher(services), job_types):
            yield stack
    finally:
        stack.kill_spawned()
        await api.stop(grace=5)
