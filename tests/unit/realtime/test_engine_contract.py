"""What the live feed relies on in python-socketio and python-engineio beyond their public
API, held to the installed versions: a failure here means a library upgrade moved it.

- ``realtime/engine.py`` reads how many packets wait in an Engine.IO socket's queue (there
  is no public way) and finds the socket from the environ the connect handler is given.
- The namespace answers jobs named at connect from a task started in its connect handler:
  python-socketio queues the CONNECT packet and marks the client connected as soon as the
  handler returns, before such a task runs, so nothing is sent ahead of the CONNECT.
"""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from engineio.async_socket import AsyncSocket

from realtime.client import NAMESPACE
from realtime.engine import EngineSocket


def server_with_socket(eio_sid: str) -> tuple[socketio.AsyncServer, AsyncSocket]:
    sio = socketio.AsyncServer(async_mode="asgi")
    socket = AsyncSocket(sio.eio, eio_sid)
    sio.eio.sockets[eio_sid] = socket
    return sio, socket


async def test_the_engine_socket_is_found_from_its_environ_and_its_backlog_read() -> None:
    sio, socket = server_with_socket("eio-1")
    environ: dict[str, Any] = {"REMOTE_ADDR": "127.0.0.1"}
    await sio._handle_eio_connect("eio-1", environ)  # what Engine.IO's handshake does
    engine = EngineSocket.of(sio, environ)
    assert engine is not None, "python-socketio no longer keeps the environ per Engine.IO sid"
    assert EngineSocket.of(sio, {"REMOTE_ADDR": "127.0.0.1"}) is None, "found by identity"
    sid = await sio.manager.pre_connect("eio-1", NAMESPACE)
    await sio.manager.connect(sid, NAMESPACE)
    assert engine.pending() == 0
    await sio.emit("job_event", {"seq": 1}, to=sid, namespace=NAMESPACE)
    await sio.emit("job_event", {"seq": 2}, room=sid, namespace=NAMESPACE)
    assert engine.pending() == 2, "an emit waits in the socket's own queue until written"
    await engine.close_now()
    assert socket.closed, "closed without waiting for the client to read"


async def test_a_task_started_in_the_connect_handler_runs_after_the_connect_packet() -> None:
    sio, socket = server_with_socket("eio-2")
    seen: list[tuple[list[str], bool]] = []

    class Probe(socketio.AsyncNamespace):  # type: ignore[misc]
        async def on_connect(self, sid: str, environ: Any, auth: Any = None) -> None:
            async def look() -> None:
                queued = [str(p.data) for p in list(socket.queue._queue)]
                seen.append((queued, self.server.manager.is_connected(sid, NAMESPACE)))

            self.server.start_background_task(look)

    sio.register_namespace(Probe(NAMESPACE))
    await sio._handle_eio_connect("eio-2", {})
    await sio._handle_eio_message("eio-2", '0/jobs,{"token":"t"}')
    for _ in range(5):
        await asyncio.sleep(0)
    [(queued, connected)] = seen
    assert connected, "the client counts as connected when the task runs"
    assert len(queued) == 1 and queued[0].startswith("0/jobs,{"), queued
