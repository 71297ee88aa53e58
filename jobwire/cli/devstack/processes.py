"""Child processes that start in their own process group and always die with their parent.

Every server `jobwire dev` and the test fixtures start goes through ``ManagedProcess``, so
Ctrl-C, SIGTERM or a failed start never leaves an orphan behind: the whole group is signalled,
first politely, then with SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

ReadinessCheck = Callable[[], Awaitable[bool]]


class ProcessFailed(RuntimeError):
    """A child exited or never became ready; the message carries the end of its log."""


class ManagedProcess:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )

    async def wait_ready(
        self, check: ReadinessCheck, *, timeout: float, interval: float = 0.2
    ) -> None:
        """Polls ``check`` until it answers True; fails early if the process dies meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if not self.running:
                raise ProcessFailed(f"{self.name} exited during start-up:\n{self.log_tail()}")
            with contextlib.suppress(Exception):
                if await check():
                    return
            if loop.time() > deadline:
                raise ProcessFailed(
                    f"{self.name} was not ready after {timeout:.0f}s:\n{self.log_tail()}"
                )
            await asyncio.sleep(interval)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def signal_group(self, sig: signal.Signals) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    async def stop(self, *, grace: float = 10.0) -> None:
        """SIGTERM to the whole group, then SIGKILL after ``grace`` seconds."""
        if self.process is None:
            return
        if self.process.returncode is None:
            self.signal_group(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                self.signal_group(signal.SIGKILL)
                await self.process.wait()
        # Grandchildren that ignored SIGTERM still share the group.
        self.signal_group(signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None

    async def kill(self) -> None:
        """``kill -9`` of the whole group, as a crash test wants."""
        if self.process is None:
            return
        self.signal_group(signal.SIGKILL)
        await self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
