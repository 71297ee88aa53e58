"""A real python-socketio client on the /jobs namespace that records what it receives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

from tests.helpers import assert_eventually

NS = "/jobs"


@dataclass
class FeedClient:
    base_url: str
    token: str
    sio: socketio.AsyncClient = field(
        default_factory=lambda: socketio.AsyncClient(reconnection=False)
    )
    subscriptions: list[dict[str, Any]] | None = None
    """Jobs to follow from connect on (``auth.subscriptions``)."""
    received: list[tuple[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in (
            "job_event",
            "subscribed",
            "feed_status",
            "resync",
            "session_expired",
            "client_error",
            "connect_error",
        ):
            self.sio.on(name, self._recorder(name), namespace=NS)

    def _recorder(self, name: str) -> Callable[[Any], None]:
        def record(data: Any) -> None:
            self.received.append((name, data))

        return record

    async def connect(self, wait_timeout: float = 10) -> FeedClient:
        auth: dict[str, Any] = {"token": self.token}
        if self.subscriptions is not None:
            auth["subscriptions"] = self.subscriptions
        await self.sio.connect(
            self.base_url,
            auth=auth,
            namespaces=[NS],
            transports=["websocket"],
            wait_timeout=wait_timeout,
        )
        return self

    async def call(self, event: str, data: Any) -> Any:
        return await self.sio.call(event, data, namespace=NS, timeout=15)

    async def call_marked(self, event: str, data: Any) -> Any:
        """``call``, with the ack recorded in ``received`` where it arrived (as ``"ack"``):
        what came after it is ``after_ack``."""
        answered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def on_ack(ack: Any = None) -> None:
            self.received.append(("ack", ack))
            answered.set_result(ack)

        await self.sio.emit(event, data, namespace=NS, callback=on_ack)
        return await asyncio.wait_for(answered, 15)

    def after_ack(self, job_id: str) -> list[dict[str, Any]]:
        """The job's events received after the last ``call_marked`` ack."""
        marks = [n for n, (name, _) in enumerate(self.received) if name == "ack"]
        start = marks[-1] + 1 if marks else 0
        return [
            data
            for name, data in self.received[start:]
            if name == "job_event" and data["job_id"] == job_id
        ]

    async def close(self) -> None:
        await self.sio.disconnect()

    def events(self, job_id: str | None = None) -> list[dict[str, Any]]:
        return [
            data
            for name, data in self.received
            if name == "job_event" and (job_id is None or data["job_id"] == job_id)
        ]

    def of(self, name: str) -> list[Any]:
        return [data for kind, data in self.received if kind == name]

    async def until(self, check: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
        async def probe() -> bool:
            return check()

        await assert_eventually(probe, timeout=timeout, interval=0.02, message=what or "never")

    async def until_finished(self, job_id: str, timeout: float = 60) -> list[dict[str, Any]]:
        terminal = {"job.completed", "job.failed", "job.cancelled"}
        await self.until(
            lambda: any(e["type"] in terminal for e in self.events(job_id)),
            timeout,
            f"{job_id} never finished on the feed; got {[e['type'] for e in self.events(job_id)]}",
        )
        return self.events(job_id)
