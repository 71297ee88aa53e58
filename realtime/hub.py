"""The live feed of one API instance: the feed stream in, one room broadcast per event out.

Each event of a user connected here goes to the room ``user:{uid}`` in one ``sio.emit``
(python-socketio encodes it once for all), skipping the connections whose verdict says no.
Per job, events go out in seq order: a repeat is dropped, a gap read from the job's stream
first. While Redis is down, subscribed jobs are polled from Temporal. A token that runs out
ends its connection."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import socketio
from redis.asyncio import Redis

from jobwire.contract.events import JobEvent
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since
from jobwire.projection.snapshot import snapshot_event
from jobwire.settings import Settings
from realtime.client import NAMESPACE, Client, OnRelay, Outlet, Subscription, Verdict
from realtime.engine import EngineSocket
from realtime.feed import Feed
from realtime.subscription import Subscriptions

log = logging.getLogger(__name__)


class Hub:
    def __init__(
        self, sio: socketio.AsyncServer, settings: Settings, jobs: JobService, redis: Redis,
        *, on_relay: OnRelay = lambda event, clients: None,
    ) -> None:  # fmt: skip
        self.sio, self.settings, self.jobs, self.redis = sio, settings, jobs, redis
        buffer = settings.socket_buffer_events
        self.outlet = Outlet(sio, buffer, max(settings.socket_max_lag_events, buffer), on_relay)
        self.subscriptions = Subscriptions(self.outlet, redis, jobs)
        self.connections: dict[str, Client] = {}
        self._by_user: dict[str, dict[str, Client]] = {}
        self._last: dict[str, dict[str, int]] = {}
        """Per user connected here, the last seq broadcast of each of their jobs."""
        self.feed = Feed(redis, self._on_event, self._on_status, self._by_user.__contains__)
        self._tasks: list[asyncio.Task[None]] = []
        self._fallback: asyncio.Task[None] | None = None
        """Polls Temporal while Redis is down."""

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self.feed.read_forever(), name="feed"))

    async def stop(self) -> None:
        for task in [*self._tasks, *self.outlet.tasks, self._fallback]:
            if task is not None:
                task.cancel()

    def open(
        self, sid: str, user_id: str, expires_at: datetime | None, engine: EngineSocket | None
    ) -> Client:
        """A connection being accepted: nothing reaches it before ``join``."""
        client = self.connections[sid] = Client(sid, user_id, engine)
        if expires_at is not None:
            delay = max(0.0, (expires_at - datetime.now(UTC)).total_seconds())
            expire = lambda: self.outlet.spawn(self._expire(client))  # noqa: E731
            client.expiry = asyncio.get_running_loop().call_later(delay, expire)
        return client

    async def join(self, client: Client) -> bool:
        """The user's events read by the feed from now on reach the client; False when it
        left meanwhile."""
        await self.feed.follow()
        if client.gone:
            return False
        self._by_user.setdefault(client.user_id, {})[client.sid] = client
        await self.sio.enter_room(client.sid, f"user:{client.user_id}", namespace=NAMESPACE)
        return True

    async def greet(self, client: Client) -> None:
        """Once connected: a client that joins while Redis is down is told so."""
        if not self.feed.live:
            await self.outlet.send(client, "feed_status", _status(False, "Redis is unreachable"))

    def close(self, sid: str) -> None:
        client = self.connections.pop(sid, None)
        if client is None:
            return
        client.gone = True
        if client.expiry is not None:
            client.expiry.cancel()
        of_user = self._by_user.get(client.user_id, {})
        of_user.pop(sid, None)
        if not of_user:
            self._by_user.pop(client.user_id, None)
            self._last.pop(client.user_id, None)
        if not self._by_user:
            self.feed.position = None

    def position(self, user_id: str, job_id: str) -> int | None:
        return self._last.get(user_id, {}).get(job_id)

    def check_lag(self, sid: str) -> None:
        if (client := self.connections.get(sid)) is not None:
            self.outlet.check(client)

    async def _expire(self, client: Client) -> None:
        reason = "your token expired; reconnect with a fresh one and since"
        await self.outlet.send(client, "session_expired", {"reason": reason})
        await self.sio.disconnect(client.sid, namespace=NAMESPACE)

    async def _on_event(self, user_id: str, event: JobEvent) -> None:
        last = self.position(user_id, event.job_id)
        if last is not None and event.seq <= last:
            return  # a repeat, or read already to fill a gap
        if last is not None and event.seq > last + 1:
            # Two publishers of a retried job may copy its events to the feed out of order.
            for missed in await self._missed(event, last):
                await self._broadcast(user_id, missed)
        await self._broadcast(user_id, event)

    async def _missed(self, event: JobEvent, last: int) -> list[JobEvent]:
        try:
            found = await read_since(self.redis, event.job_id, last, limit=event.seq - last - 1)
        except Exception:
            log.exception("reading the gap before %s of %s failed", event.seq, event.job_id)
            return []
        return [missed for missed in found.events if missed.seq < event.seq]

    async def _broadcast(self, user_id: str, event: JobEvent) -> None:
        clients = self._by_user.get(user_id)
        if not clients:
            return  # the user left meanwhile
        self._last.setdefault(user_id, {})[event.job_id] = event.seq
        skip: list[str] = []
        for client in list(clients.values()):
            verdict = client.verdict(event, self.outlet.buffer)
            if verdict is not Verdict.SEND:
                skip.append(client.sid)
            if verdict is Verdict.STALL:
                await self.outlet.resync(client, event.job_id, event.seq - 1)
            elif verdict is Verdict.SKIP:
                self.outlet.check(client)
        if len(skip) < len(clients):
            data, room = event.model_dump(mode="json"), f"user:{user_id}"
            await self.sio.emit("job_event", data, room=room, skip_sid=skip, namespace=NAMESPACE)
            self.outlet.on_relay(event, len(clients) - len(skip))

    def _sent(self, client: Client, job_id: str, sub: Subscription) -> int:
        """The last seq of the job this client was sent: by its catch-up, or live."""
        live = self.position(client.user_id, job_id) if sub.live else None
        return max(sub.since or 0, live or 0)

    async def _on_status(self, live: bool, detail: str) -> None:
        """The feed goes on from where it stopped, so the live path loses nothing; held
        subscriptions read their streams again by themselves."""
        for client in list(self.connections.values()):
            await self.outlet.send(client, "feed_status", _status(live, detail))
        if self._fallback is not None:
            self._fallback.cancel()
        self._fallback = None if live else asyncio.create_task(self._poll_temporal())

    async def _poll_temporal(self) -> None:
        seen: dict[tuple[str, str], tuple[Any, ...]] = {}
        while True:
            for client in list(self.connections.values()):
                for job_id, sub in list(client.subs.items()):
                    try:
                        record = await self.jobs.get(client.user_id, job_id, include_spec=sub.spec)
                    except Exception as exc:
                        log.debug("fallback poll of %s failed: %s", job_id, exc)
                        continue
                    mark = (record.state, record.progress, record.step)
                    if seen.get((client.sid, job_id)) == mark:
                        continue
                    seen[(client.sid, job_id)] = mark
                    event = snapshot_event(record, self._sent(client, job_id, sub), spec=sub.spec)
                    await self.outlet.send(client, "job_event", event.model_dump(mode="json"))
            await asyncio.sleep(self.settings.fallback_poll_seconds)


def _status(live: bool, detail: str) -> dict[str, str]:
    return {"state": "live" if live else "degraded", "detail": detail}
