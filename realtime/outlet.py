"""Hands one connection's packets to its Engine.IO socket without letting them pile up there.

python-engineio gives every socket an unbounded ``asyncio.Queue`` (``create_queue``); the
socket's writer task empties it into the WebSocket, whose send waits while the client is not
reading. Whatever is put in that queue meanwhile stays in memory, and the connection's own
bounded queue, emptied straight into it, would never fill. So once ``OUTLET_WINDOW`` packets
wait there, the sender waits for the queue to drain (``Queue.join``: the writer marks each
packet done as it takes it), the connection's queue fills instead, and the client is told to
resync, then cut off.
"""

from __future__ import annotations

import contextlib
from typing import Any

import engineio
import socketio

from realtime.packets import NAMESPACE, Outgoing

OUTLET_WINDOW = 64
"""Packets of one connection that may wait in Engine.IO's queue: a few writes' worth."""


class EngineOutlet:
    def __init__(self, eio: engineio.AsyncServer, eio_sid: str, window: int = OUTLET_WINDOW):
        self._eio = eio
        self._eio_sid = eio_sid
        self._window = window

    def _socket(self) -> Any:
        return self._eio.sockets.get(self._eio_sid)

    def pending(self) -> int:
        """Packets handed to Engine.IO (by this outlet, or python-socketio's acks) that the
        client has not taken yet."""
        socket = self._socket()
        return 0 if socket is None else int(socket.queue.qsize())

    async def send(self, packet: str) -> None:
        """Hands ``packet`` over, then waits while the window is full: a packet is never held
        here, so a connection that is closed while it waits has lost nothing it was given."""
        socket = self._socket()
        if socket is None:
            return  # gone: the disconnect is on its way
        await self._eio.send(self._eio_sid, packet)
        if socket.queue.qsize() >= self._window:
            await socket.queue.join()


async def cut_off(sio: socketio.AsyncServer, sid: str, notices: list[Outgoing]) -> None:
    """Disconnects ``sid`` and closes its Engine.IO socket without waiting for the client to
    read what is queued (``engineio.AsyncServer.disconnect`` would wait for ever): the
    connection's state goes at once, the socket's queue when the transport closes.

    ``notices`` (its ``resync``s) go out first, past the window: the client reads, once it
    reads again, where each job's events stopped and why it was let go."""
    eio_sid = sio.manager.eio_sid_from_sid(sid, NAMESPACE)
    with contextlib.suppress(Exception):
        for notice in notices:
            await sio.eio.send(eio_sid, notice.packet)
        await sio.disconnect(sid, namespace=NAMESPACE)
    socket = sio.eio.sockets.get(eio_sid) if eio_sid is not None else None
    if socket is not None:
        await socket.close(wait=False)
