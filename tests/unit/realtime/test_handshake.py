"""The bridge holds a connection's events until python-socketio has confirmed the connection
to the client: python-socketio sends that confirmation only after the connect handler, and
its client drops events of a namespace it does not know it is connected to."""

from __future__ import annotations

import asyncio
from typing import cast

import socketio

from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from realtime.bridge import Bridge
from realtime.packets import NAMESPACE


async def test_the_handshake_wait_ends_when_python_socketio_marks_the_client_connected() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    bridge = Bridge(sio, Settings(_env_file=None), cast(JobService, None), cast(object, None))  # type: ignore[arg-type]
    sid = await sio.manager.pre_connect("eio-1", NAMESPACE)  # where the connect handler runs
    waiting = asyncio.create_task(bridge._handshake_done(sid))
    await asyncio.sleep(0.05)
    assert not waiting.done(), "still in the connect handler: nothing may go out yet"
    await sio.manager.connect(sid, NAMESPACE)  # what python-socketio does after sending CONNECT
    await asyncio.wait_for(waiting, 5)


async def test_a_client_gone_before_the_connect_handler_returned_is_not_kept() -> None:
    """python-socketio reports no disconnect for a connection it had not accepted yet, so the
    bridge itself must notice that the client left while its subscriptions were set up."""
    sio = socketio.AsyncServer(async_mode="asgi")
    bridge = Bridge(sio, Settings(_env_file=None), cast(JobService, None), cast(object, None))  # type: ignore[arg-type]
    sid = await sio.manager.pre_connect("eio-gone", NAMESPACE)  # no such Engine.IO socket
    connection = bridge.open(sid, "alice", None)
    assert await bridge.connected(connection) is False
    assert sid not in bridge.connections
    assert connection.sender is None, "nothing sends to it"
