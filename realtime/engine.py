"""The one reading of python-engineio's internals: how many packets wait for one client.

Engine.IO gives every socket an unbounded ``asyncio.Queue`` that its writer empties into the
WebSocket as fast as the client reads, and no public way to read its length; without it a
client that stops reading would cost memory without bound. It is read here and nowhere else,
and ``tests/unit/realtime/test_engine_contract.py`` fails if a library upgrade moves it.
"""

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
        """The socket whose handshake brought ``environ``, the dict a connect handler gets:
        python-socketio keeps it per Engine.IO session id, which is the socket's key."""
        for eio_sid, known in list(sio.environ.items()):
            if known is environ:
                socket = sio.eio.sockets.get(eio_sid)
                return None if socket is None else cls(socket)
        return None

    def pending(self) -> int:
        """Packets handed to Engine.IO that the client has not taken yet."""
        return int(self._socket.queue.qsize())

    async def close_now(self) -> None:
        """Closes the socket without waiting for the client to read what is queued (a
        disconnect would wait for ever): its queue goes when the transport closes."""
        with contextlib.suppress(Exception):
            await self._socket.close(wait=False)
