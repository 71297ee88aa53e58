"""The stack the browser tests drive and the REST calls they check the console against."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.support.processes import ROOT
from bench.support.throwaway import api_ready
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.processes import ManagedProcess
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.helpers import assert_eventually

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium: the only browser these tests use (a test tool's download fails here)."""

ARTIFACTS = ROOT / "test-artifacts" / "browser"
"""Screenshots of the main pages, and of the page a failed test left (git-ignored)."""

INSTALL_HINT = (
    "The browser tests drive Debian's Chromium at {path}, which is missing. Install it with "
    "'sudo apt-get install chromium' (or run 'make test' as root: scripts/ensure-chromium "
    "installs it). Never 'playwright install': these tests use no downloaded browser."
)


def chromium_missing(path: Path) -> str | None:
    """Why ``path`` cannot serve as the browser, or ``None`` when it can."""
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return INSTALL_HINT.format(path=path)


@dataclass
class ConsoleStack:
    """A `jobwire api` and a `jobwire worker` process on the session's Temporal and Redis."""

    settings: Settings
    api: ManagedProcess
    worker: ManagedProcess
    run: str = ""
    """Names this test's users: Temporal keeps every earlier test's jobs."""
    _tokens: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.api_port}"

    def user(self, name: str) -> str:
        return f"{name}-{self.run}"

    def token(self, name: str) -> str:
        """The user's token, the same one each time (a new one would differ in ``iat``)."""
        user = self.user(name)
        if user not in self._tokens:
            self._tokens[user] = issue_token(self.settings, user)
        return self._tokens[user]

    def client(self, name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token(name)}"},
            timeout=30,
        )

    async def start_api(self) -> None:
        await self.api.start()
        await self.api.wait_ready(lambda: api_ready(self.base_url), timeout=90)

    async def ensure_api(self) -> None:
        """Brings the API back if an earlier test left it down."""
        if not self.api.running:
            await self.start_api()

    async def kill_api(self) -> None:
        """``kill -9`` of the API process: its sockets drop without a goodbye."""
        await self.api.kill()

    async def create(self, name: str, spec: dict[str, Any]) -> JobRecord:
        async with self.client(name) as http:
            response = await http.post("/api/jobs", json=spec)
        assert response.status_code == 201, response.text
        return JobRecord.model_validate(response.json())

    async def record(self, name: str, job_id: str) -> JobRecord:
        async with self.client(name) as http:
            response = await http.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200, response.text
        return JobRecord.model_validate(response.json())

    async def events(self, name: str, job_id: str) -> list[dict[str, Any]]:
        """Every event of the job the API still holds, as `GET /events` answers."""
        async with self.client(name) as http:
            response = await http.get(f"/api/jobs/{job_id}/events", params={"since": 0})
        assert response.status_code == 200, response.text
        events: list[dict[str, Any]] = response.json()["events"]
        return events

    async def wait_for_state(
        self, name: str, job_id: str, *states: JobState, timeout: float = 120
    ) -> JobRecord:
        async def reached() -> JobRecord | None:
            record = await self.record(name, job_id)
            return record if record.state in states else None

        found = await assert_eventually(
            reached, timeout=timeout, interval=0.3, message=f"{job_id} never {states}"
        )
        assert found is not None
        return found
