"""A webhook receiver on a real local port that can go down (connections refused) and come
back on the same port, checking every request's signature as a user's receiver would."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from jobwire.cli.devstack.ports import free_port
from jobwire.contract.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER
from jobwire.settings import Settings
from jobwire.webhook_signing import master_key, user_key, verify


@dataclass
class Received:
    delivery_id: str
    event_header: str
    signed: bool
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class WebhookReceiver:
    """Answers ``status`` to every POST on ``/hook`` while up; ``down()`` frees the port, so
    a delivery meets a refused connection until ``up()``."""

    settings: Settings
    user_id: str
    status: int = 204
    delay: float = 0.0
    """Seconds each answer takes: longer than the sender's timeout, and nothing answers."""
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def up(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._take)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def down(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _take(self, request: web.Request) -> web.Response:
        body = await request.read()
        master = master_key(self.settings)
        assert master is not None
        signed = verify(
            user_key(master, self.user_id),
            request.headers.get(SIGNATURE_HEADER, ""),
            body,
            now=time.time(),
        )
        self.received.append(
            Received(
                delivery_id=request.headers.get(DELIVERY_HEADER, ""),
                event_header=request.headers.get(EVENT_HEADER, ""),
                signed=signed,
                body=body,
            )
        )
        await asyncio.sleep(self.delay)
        return web.Response(status=self.status, headers={"Location": self.url})

    def by_id(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        for item in self.received:
            found.setdefault(item.delivery_id, []).append(item)
        return found

    def event_types(self) -> list[str]:
        """Each delivery's event type, once per id, in the order first received."""
        return [items[0].event["type"] for items in self.by_id().values()]
