"""The one reading of python-engineio's internals: how many packets wait for one client.

Engine.IO's per-socket queue is unbounded and no public API gives its length, which bounds
what a client that stops reading costs. ``tests/unit/realtime/test_engine_contract.py``
fails if a library upgrade moves what is read here."""

from __future__ import annotations

import contextlib
from typing import Any

import socketio


class EngineSocket:
    __slots__ = ("_socket",)

    def __init__(self, socket: Any) -> None:
        self._socket = socket

    @classmethod
    def of(cls, sio: socketio.AsyncServer, environ: dict[str, Any]) -> EngineSocket | None:
        """The socket whose handshake brought ``environ`` (the connect handler's)."""
        eio_sid = next((k for k, known in sio.environ.items() if known is environ), None)
        socket = sio.eio.sockets.get(eio_sid)
        return None if socket is None else cls(socket)

    def pending(self) -> int:
        return int(self._socket.queue.qsize())

    async def close_now(self) -> None:
        """Without waiting for the client to read its queue, as a disconnect would."""
        with contextlib.suppress(Exception):
            await self._socket.close(wait=False)
