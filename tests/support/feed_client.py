"""A real python-socketio client on the /jobs namespace that records what it receives."""

from __future__ import annotations

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
