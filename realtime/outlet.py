"""Sends to one client through python-socketio's public API, within what a client may cost.

Every message goes out with ``sio.emit``; before a job event, the client's Engine.IO backlog
is read, and past ``buffer`` the client is told ``resync`` for that job instead. Past
``max_lag`` (waiting plus dropped) it is disconnected: the ``resync``s already wait in its
queue, then the namespace's disconnect, then the socket closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

import socketio

from jobwire.contract.events import JobEvent
from realtime.client import Client
from realtime.packets import NAMESPACE, Outgoing

log = logging.getLogger(__name__)

OnRelay = Callable[[Outgoing], None]


class Outlet:
    def __init__(
        self, sio: socketio.AsyncServer, buffer: int, max_lag: int, on_relay: OnRelay
    ) -> None:
        self.sio = sio
        self.buffer = buffer
        self.max_lag = max_lag
        self._on_relay = on_relay
        self._tasks: set[Any] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Runs ``work`` as a task of its own, kept until it ends (``stop`` cancels it)."""
        task = self.sio.start_background_task(_logged, work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def send(self, client: Client, name: str, data: Any) -> None:
        await self.sio.emit(name, data, to=client.sid, namespace=NAMESPACE)

    async def event(self, client: Client, event: JobEvent, since: int) -> bool:
        """One event for one client that holds the job up to ``since``; False if it was too far
        behind and told to resync instead."""
        if client.pending() >= self.buffer:
            await self.resync(client, event.job_id, since)
            return False
        await self.send(client, "job_event", event.model_dump(mode="json"))
        self.relayed(event, 1)
        return True

    def relayed(self, event: JobEvent, clients: int) -> None:
        item = Outgoing("job_event", None, event.job_id, event.seq, event.ts)
        for _ in range(clients):
            self._on_relay(item)

    async def resync(self, client: Client, job_id: str, since: int) -> None:
        await self.send(client, "resync", client.stall(job_id, since))
        self.check(client)

    def check(self, client: Client) -> None:
        if not client.gone and client.lag() > self.max_lag:
            log.warning("disconnecting %s: it fell too far behind", client.sid)
            client.gone = True
            self.spawn(self._cut_off(client))

    async def _cut_off(self, client: Client) -> None:
        await self.sio.disconnect(client.sid, namespace=NAMESPACE)
        if client.engine is not None:
            await client.engine.close_now()


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except Exception:  # one client's failure must not reach the others
        log.exception("socket task failed")
