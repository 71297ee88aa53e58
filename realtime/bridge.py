"""The live feed of one API instance: Redis streams in, Socket.IO out, Temporal as fallback.

It follows the streams of the users connected here, hands each event to the connections of
that user in ``seq`` order with no gap (filling one from the job's stream when it opens),
replays what a subscriber missed, stands a Temporal snapshot in for expired events, polls
Temporal while Redis is down, and disconnects a client whose token ran out. It keeps only
per-connection state: a client can reconnect to any instance with ``since``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import socketio
from redis.asyncio import Redis
from redis.exceptions import RedisError

from jobwire.contract.events import JobEvent
from jobwire.contract.records import JobRecord
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from realtime import packets
from realtime.connection import Connection
from realtime.outlet import OUTLET_WINDOW, EngineOutlet, cut_off
from realtime.packets import NAMESPACE, Outgoing
from realtime.replay import latest_seq, read_since
from realtime.user_streams import UserStreams

log = logging.getLogger(__name__)

HANDSHAKE_POLL_SECONDS = 0.002


class Bridge:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        settings: Settings,
        jobs: JobService,
        redis: Redis,
        *,
        on_relay: Callable[[Outgoing], None] = lambda item: None,
    ) -> None:
        self.sio = sio
        self.settings = settings
        self.jobs = jobs
        self.redis = redis
        self.connections: dict[str, Connection] = {}
        self._by_user: dict[str, dict[str, Connection]] = {}
        """The same connections by user: each event goes to its user's connections only."""
        self.streams = UserStreams(redis, self._on_event, self._on_status)
        self._on_relay = on_relay
        self._expiry: dict[str, asyncio.Task[None]] = {}
        self._poller: asyncio.Task[None] | None = None
        self._cut_offs: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.streams.start()

    async def stop(self) -> None:
        await self.streams.stop()
        for sid in list(self.connections):
            await self.disconnected(sid)
        if self._poller is not None:
            self._poller.cancel()

    # ---- connections -----------------------------------------------------------------

    def connection(self, sid: str) -> Connection:
        return self.connections[sid]

    def open(self, sid: str, user_id: str, expires_at: datetime | None) -> Connection:
        """A new connection that is not yet sent its user's events: the jobs named at connect
        are held first, so nothing live of them is queued ahead of their replays."""
        outlet = EngineOutlet(self.sio.eio, self.sio.manager.eio_sid_from_sid(sid, NAMESPACE))

        async def send(item: Outgoing) -> None:
            await outlet.send(item.packet)
            if item.seq is not None:
                self._on_relay(item)

        connection = Connection(
            sid=sid,
            user_id=user_id,
            expires_at=expires_at,
            send=send,
            buffer_size=self.settings.socket_buffer_events,
            max_lag=max(self.settings.socket_max_lag_events, OUTLET_WINDOW),
            unsent=outlet.pending,
            too_far_behind=lambda: self.cut_off(sid),
        )
        self.connections[sid] = connection
        return connection

    async def connected(self, connection: Connection) -> bool:
        """Starts sending to an opened connection, and its user's events with it. False (and
        nothing kept) if the client left meanwhile: python-socketio reports no disconnect for
        a connection its connect handler had not accepted yet."""
        sid = connection.sid
        if self.sio.manager.eio_sid_from_sid(sid, NAMESPACE) not in self.sio.eio.sockets:
            self.connections.pop(sid, None)
            return False
        self._by_user.setdefault(connection.user_id, {})[sid] = connection
        connection.start(ready=lambda: self._handshake_done(sid))
        await self.streams.follow(connection.user_id)
        if connection.expires_at is not None:
            self._expiry[sid] = asyncio.create_task(self._expire(sid, connection.expires_at))
        if not self.streams.live:
            connection.notify("feed_status", _status(live=False, detail="Redis is unreachable"))
        return True

    def cut_off(self, sid: str) -> None:
        """Disconnects a client that fell too far behind (it is not reading), from a task of
        its own: the caller may be the connection's own sender, which the disconnect ends."""
        log.warning("disconnecting %s: it fell too far behind", sid)
        connection = self.connections.get(sid)
        notices = [] if connection is None else connection.take_notices()
        task = asyncio.create_task(cut_off(self.sio, sid, notices), name=f"cut-off-{sid}")
        self._cut_offs.add(task)
        task.add_done_callback(self._cut_offs.discard)

    async def _handshake_done(self, sid: str) -> None:
        """Waits for python-socketio to confirm the connection to the client, which it does
        only after the connect handler (this bridge's ``connected``) returns: a client drops
        events that arrive before it knows it is connected. There is no hook for that moment,
        so this looks every few milliseconds (once, as a rule)."""
        while not self.sio.manager.is_connected(sid, NAMESPACE):  # noqa: ASYNC110
            await asyncio.sleep(HANDSHAKE_POLL_SECONDS)

    async def disconnected(self, sid: str) -> None:
        connection = self.connections.pop(sid, None)
        if connection is None:
            return
        of_user = self._by_user.get(connection.user_id, {})
        of_user.pop(sid, None)
        if not of_user:
            self._by_user.pop(connection.user_id, None)
        self.streams.unfollow(connection.user_id)
        task = self._expiry.pop(sid, None)
        if task is not None:
            task.cancel()
        await connection.close()

    async def _expire(self, sid: str, expires_at: datetime) -> None:
        await asyncio.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()))
        with contextlib.suppress(Exception):
            await self.sio.emit(
                "session_expired",
                {"reason": "your token expired; reconnect with a fresh one and since"},
                to=sid,
                namespace=NAMESPACE,
            )
            await self.sio.disconnect(sid, namespace=NAMESPACE)

    # ---- subscribe and replay --------------------------------------------------------

    async def subscribe(
        self,
        connection: Connection,
        record: JobRecord,
        since: int | None,
        *,
        announce: Callable[[int], None] | None = None,
    ) -> int:
        """Queues what the client missed (after the ack goes out) and returns the last seq.

        A job held since the connect (``Connection.hold``) is answered through ``announce``
        (with its last seq), which is queued ahead of its replay."""
        job_id = record.job_id
        if job_id in connection.held:
            return await self._subscribe_held(connection, record, since, announce)
        connection.subscribed.add(job_id)
        already = connection.delivered.get(job_id)
        if since is not None and already is not None and since < already:
            return await self._backfill(connection, record, since, already)
        try:
            if since is None:
                last = await latest_seq(self.redis, job_id)
                now = connection.delivered.get(job_id)
                if now is None or job_id in connection.stalled:
                    connection.resume(job_id, last)
                # else: the user room is bringing this job's events (from before, or since the
                # counter was read); starting over at ``last`` would skip or repeat some.
                return max(last, now or 0)
            replay = await read_since(self.redis, job_id, since)
        except (RedisError, OSError):
            connection.resume(job_id, since or 0)
            snapshot = connection.snapshot(record, since or 0)
            asyncio.get_running_loop().call_soon(connection.deliver, snapshot)
            return since or 0
        now = connection.delivered.get(job_id)
        if now is not None and now > since and job_id not in connection.stalled:
            # The user room sent some of this job's events while the replay was being read:
            # replaying from ``since`` would send those again.
            if already is None:
                return await self._backfill(connection, record, since, now)
            since = now
        connection.resume(job_id, since)
        asyncio.get_running_loop().call_soon(self._replay, connection, record, since, replay)
        return max(replay.last_seq, since)

    async def _subscribe_held(
        self,
        connection: Connection,
        record: JobRecord,
        since: int | None,
        announce: Callable[[int], None] | None,
    ) -> int:
        """The replay is read while the user room's events of the job are still held back,
        so the answer and the replay go out first, in order; what the room brought meanwhile
        is read from the stream once more."""
        job_id = record.job_id
        try:
            replay = None if since is None else await read_since(self.redis, job_id, since)
            last = await latest_seq(self.redis, job_id) if replay is None else replay.last_seq
        except (RedisError, OSError):
            if announce is not None:
                announce(since or 0)
            connection.release(job_id)
            connection.resume(job_id, since or 0)
            connection.deliver(connection.snapshot(record, since or 0))
            return since or 0
        last = max(last, since or 0)
        if announce is not None:
            announce(last)
        connection.release(job_id)
        if replay is None or since is None:
            connection.resume(job_id, last)
        else:
            connection.resume(job_id, since)
            self._replay(connection, record, since, replay)
        await self._catch_up_job(connection, job_id)
        return last

    async def _backfill(
        self, connection: Connection, record: JobRecord, since: int, already: int
    ) -> int:
        """The client was sent events of this job through its user room before it subscribed:
        only the older ones it never got are replayed, so nothing arrives twice."""
        upto = connection.first_seen.get(record.job_id, already + 1) - 1
        if upto <= since:
            return already
        try:
            replay = await read_since(self.redis, record.job_id, since, limit=max(upto - since, 1))
        except (RedisError, OSError):
            return already
        missing = [event for event in replay.events if event.seq <= upto]

        def queue() -> None:
            if not replay.complete:
                connection.deliver(connection.snapshot(record, upto))
                return
            for event in missing:
                connection.deliver(event)

        asyncio.get_running_loop().call_soon(queue)
        return max(replay.last_seq, already)

    def _replay(self, connection: Connection, record: JobRecord, since: int, replay: Any) -> None:
        if replay.complete:
            for event in replay.events:
                if connection.expects(event):
                    connection.deliver(event)
        else:
            connection.deliver(connection.snapshot(record, replay.last_seq))

    # ---- live events -----------------------------------------------------------------

    async def _on_event(self, user_id: str, event: JobEvent) -> None:
        encoded: Outgoing | None = None
        for connection in list(self._by_user.get(user_id, {}).values()):
            verdict = connection.expects(event)
            if verdict is None:
                continue
            if verdict is False:
                await self._fill_gap(connection, event)
                continue
            encoded = encoded or packets.job_event(event)
            connection.deliver(event, encoded)

    async def _fill_gap(self, connection: Connection, event: JobEvent) -> None:
        """Events between the last delivered and this one come from the job's stream."""
        since = connection.delivered.get(event.job_id, 0)
        replay = await read_since(self.redis, event.job_id, since, limit=event.seq - since)
        if not replay.complete:
            record = await self.jobs.get(
                connection.user_id,
                event.job_id,
                include_spec=event.job_id in connection.with_spec,
            )
            connection.deliver(connection.snapshot(record, max(replay.last_seq, event.seq)))
            return
        for missed in replay.events:
            if connection.expects(missed):
                connection.deliver(missed)

    # ---- Redis outage ----------------------------------------------------------------

    async def _on_status(self, live: bool, detail: str) -> None:
        for connection in self.connections.values():
            connection.notify("feed_status", _status(live=live, detail=detail))
        if not live and self._poller is None:
            self._poller = asyncio.create_task(self._poll_temporal(), name="feed-fallback")
        if live:
            if self._poller is not None:
                self._poller.cancel()
                self._poller = None
            await self._catch_up()

    async def _catch_up(self) -> None:
        for connection in list(self.connections.values()):
            for job_id in list(connection.subscribed - connection.held):
                await self._catch_up_job(connection, job_id)

    async def _catch_up_job(self, connection: Connection, job_id: str) -> None:
        """Whatever the stream holds after the last event queued for this job."""
        since = connection.delivered.get(job_id, 0)
        with contextlib.suppress(RedisError, OSError):
            replay = await read_since(self.redis, job_id, since)
            for event in replay.events:
                if connection.expects(event):
                    connection.deliver(event)

    async def _poll_temporal(self) -> None:
        """While Redis is down, subscribed jobs' progress comes from Temporal queries."""
        seen: dict[tuple[str, str], tuple[Any, ...]] = {}
        while True:
            for connection in list(self.connections.values()):
                for job_id in list(connection.subscribed - connection.held):
                    try:
                        record = await self.jobs.get(connection.user_id, job_id, include_spec=False)
                    except Exception as exc:
                        log.debug("fallback poll of %s failed: %s", job_id, exc)
                        continue
                    fingerprint = (record.state, record.progress, record.step)
                    if seen.get((connection.sid, job_id)) != fingerprint:
                        seen[(connection.sid, job_id)] = fingerprint
                        seq = connection.delivered.get(job_id, 0)
                        connection.deliver(connection.snapshot(record, seq))
            await asyncio.sleep(self.settings.fallback_poll_seconds)


def _status(*, live: bool, detail: str) -> dict[str, str]:
    return {"state": "live" if live else "degraded", "detail": detail}
