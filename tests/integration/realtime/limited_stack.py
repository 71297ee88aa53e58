"""An API with small socket limits on a real port, whose hub and Socket.IO server a test
can look into (how much waits for each client), and what a raw client (the benchmark's, which
can stop reading its socket as an attacker's would) needs besides."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import socketio
from redis.asyncio import Redis
from temporalio.client import Client
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from api.app import asgi_app
from bench.socket_memory import raw_client
from bench.support.counting import counting_registry
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port
from jobwire.connections.services import Services
from jobwire.settings import Settings
from realtime.hub import Hub
from tests.support.serving import serving


@dataclass
class LimitedApi:
    base_url: str
    port: int
    settings: Settings
    hub: Hub
    sio: socketio.AsyncServer

    def token(self, user: str) -> str:
        return issue_token(self.settings, user)

    def engine_queue_sizes(self) -> list[int]:
        """Packets waiting in each Engine.IO socket's queue of this server."""
        return [int(s.queue.qsize()) for s in list(self.sio.eio.sockets.values())]


@asynccontextmanager
async def limited_api(
    settings: Settings, temporal_client: Client, redis: Redis, **limits: Any
) -> AsyncIterator[LimitedApi]:
    limited = settings.model_copy(update=limits)
    services = Services(settings=limited, temporal=temporal_client, redis=redis)
    app = asgi_app(limited, services=services, registry=counting_registry())
    port = free_port()
    async with serving(app, port) as base_url:
        state = app.other_asgi_app.state
        yield LimitedApi(base_url, port, limited, state.bridge, state.sio)


def stop_reading(ws: ClientConnection) -> None:
    ws.transport.pause_reading()


async def read_all(ws: ClientConnection, timeout: float) -> list[str]:
    """Everything the server sent, until it closes the connection (or ``timeout``)."""
    ws.transport.resume_reading()
    received: list[str] = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                message = str(await ws.recv())
                if message == "2":  # Engine.IO ping
                    await ws.send("3")
                received.append(message)
    except (ConnectionClosed, TimeoutError):
        pass
    return received


__all__ = ["LimitedApi", "limited_api", "raw_client", "read_all", "stop_reading"]
