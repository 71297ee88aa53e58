"""One round of the live feed benchmark, measured the same way whichever server it targets.

A round connects the clients (``bench.feed_clients``, spread over a few processes so none of
them nears a full core), records every event for a fixed window while a ``CpuMeter`` watches
each process on the machine, and disconnects them. The idle-memory figure uses the same
client processes with nothing published to them.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psutil

from bench.cpu import CpuMeter, processes
from bench.feed_summary import split
from bench.stack import ROOT
from jobwire.cli.devstack.ports import free_port

CLIENTS_SCRIPT = "bench.feed_clients"
FLOOR_SCRIPT = "bench.feed_floor"
SETTLE_SECONDS = 2.0
"""After the last client connected, before the API's RSS is read: its first allocations for
the new sockets are done by then."""


@dataclass
class Round:
    """What one round's clients received (rows: job id, seq, ``ts``, arrival) and what each
    process group spent meanwhile; ``busiest_client`` is the busiest client process alone."""

    rows: list[list[Any]]
    repeated: int
    gaps: int
    resyncs: int
    cpu: dict[str, float]
    busiest_client: float
    machine: float


class ClientProcesses:
    """One round's clients, connected, spread over processes of their own."""

    def __init__(self, children: list[asyncio.subprocess.Process]) -> None:
        self.children = children

    @classmethod
    async def connect(cls, orders: dict[str, Any], count: int, parts: int) -> ClientProcesses:
        children: list[asyncio.subprocess.Process] = []
        clients = cls(children)
        try:
            for first, size in split(count, parts):
                child = await asyncio.create_subprocess_exec(
                    *(sys.executable, "-m", CLIENTS_SCRIPT),
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    cwd=ROOT,
                    limit=1 << 30,
                )
                children.append(child)
                await clients.say(child, json.dumps(orders | {"first": first, "clients": size}))
            for child in children:
                assert child.stdout is not None
                ready = await child.stdout.readline()
                if ready.strip() != b"ready":
                    raise RuntimeError(f"the clients did not connect: {ready!r}")
        except BaseException:
            clients.kill()
            raise
        return clients

    @staticmethod
    async def say(child: asyncio.subprocess.Process, line: str) -> None:
        assert child.stdin is not None
        child.stdin.write(f"{line}\n".encode())
        await child.stdin.drain()

    def processes(self) -> list[psutil.Process]:
        return [psutil.Process(child.pid) for child in self.children]

    async def record(self) -> None:
        for child in self.children:
            await self.say(child, "start")

    async def finish(self) -> dict[str, Any]:
        """Stops recording, disconnects, and merges what every process received."""
        merged: dict[str, Any] = {"rows": [], "repeated": 0, "gaps": 0, "resyncs": 0}
        for child in self.children:
            await self.say(child, "stop")
        for child in self.children:
            assert child.stdout is not None
            result = json.loads(await child.stdout.readline())
            merged = {name: merged[name] + result[name] for name in merged}
            await child.wait()
        return merged

    def kill(self) -> None:
        for child in self.children:
            if child.returncode is None:
                child.kill()


async def run_round(
    orders: dict[str, Any],
    count: int,
    server_pid: int,
    others: dict[str, int | None],
    seconds: float,
    parts: int,
) -> Round:
    """``count`` clients of the server ``server_pid`` recorded for ``seconds``; ``others``
    names the other processes whose CPU is reported beside (worker, Temporal, Redis)."""
    clients = await ClientProcesses.connect(orders, count, parts)
    try:
        meter = CpuMeter(
            {"server": [psutil.Process(server_pid)], "clients": clients.processes()}
            | processes(others)
        )
        await clients.record()
        await asyncio.sleep(seconds)
        spent, machine = meter.per_process(), meter.machine()
        result = await clients.finish()
    except BaseException:
        clients.kill()
        raise
    return Round(
        rows=result["rows"],
        repeated=result["repeated"],
        gaps=result["gaps"],
        resyncs=result["resyncs"],
        cpu={name: sum(shares) for name, shares in spent.items()},
        busiest_client=max(spent["clients"]),
        machine=machine,
    )


async def idle_memory(orders: dict[str, Any], count: int, server_pid: int, parts: int) -> float:
    """The server's RSS growth per connected client while nothing is published to any of
    them, in bytes (growth below zero, from a collection in between, counts as none)."""
    server = psutil.Process(server_pid)
    before = server.memory_info().rss
    clients = await ClientProcesses.connect(orders, count, parts)
    try:
        await asyncio.sleep(SETTLE_SECONDS)
        after = server.memory_info().rss
        await clients.record()
        await clients.finish()
    except BaseException:
        clients.kill()
        raise
    return max(0, after - before) / count


@asynccontextmanager
async def floor_server(jobs: int, rate: float) -> AsyncIterator[tuple[str, int]]:
    """The bare python-socketio server (``bench.feed_floor``) for one round: its URL and pid.
    It runs only for its own round, so it loads no jobwire round."""
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", FLOOR_SCRIPT, str(port), str(jobs), str(rate), cwd=ROOT
    )
    try:
        await wait_for_port(port)
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        server.terminate()
        await server.wait()


async def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
