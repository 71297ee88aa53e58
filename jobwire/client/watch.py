"""``JobWatch``: every event of the watched jobs exactly once, in ``seq`` order, across reconnects.

The ordering, dedupe and gap rules are the ``Sequencer``'s (docs/protocol.md, "Following a
job: the client algorithm"); this module holds the link around it and carries out the fetches
and subscribes the algorithm asks for. After a
dropped link the watch reconnects with exponential backoff and jitter and resubscribes each job
with ``since=<last seq>``, so the server replays exactly what was missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from types import TracebackType
from typing import Literal, Self

from jobwire.client.backoff import Backoff
from jobwire.client.errors import FeedUnavailable, NotFound, ServerUnreachable
from jobwire.client.feed import (
    DisconnectedMessage,
    EventMessage,
    FeedConnection,
    FeedConnector,
    FeedMessage,
    FeedStatusMessage,
    ResyncMessage,
    SessionExpiredMessage,
)
from jobwire.client.models import EventPage
from jobwire.client.sequencer import Outcome, Sequencer, Track
from jobwire.contract.events import JobEvent
from jobwire.contract.records import JobRecord, JobSummary

__all__ = ["ActiveJobs", "Backoff", "ConnectionState", "EventsFetcher", "JobWatch"]

log = logging.getLogger(__name__)

ConnectionState = Literal["connecting", "live", "degraded", "reconnecting", "closed"]
EventsFetcher = Callable[[str, int], Awaitable[EventPage]]
ActiveJobs = Callable[[], Awaitable[list[JobSummary]]]


class _Reconnect(Exception):
    """The link is gone; ``immediately`` after a session expiry, else after a backoff."""

    def __init__(self, reason: str, *, immediately: bool = False) -> None:
        super().__init__(reason)
        self.immediately = immediately


class JobWatch:
    """Async iterator of ``JobEvent``; use ``async with client.watch(...) as watch``.

    ``records`` holds each job's latest record (from subscribe acks, snapshots and events);
    ``progress(job_id)`` what it has shown, never going back;
    ``connection`` and ``retry_in`` describe the link, for a status line.
    """

    def __init__(  # noqa: PLR0913 -- the watch's options, every one but the first two by keyword
        self,
        connect: FeedConnector,
        job_ids: Iterable[str],
        *,
        since: int | None = 0,
        follow_active: bool = False,
        until_done: bool = True,
        active_jobs: ActiveJobs | None = None,
        fetch_events: EventsFetcher | None = None,
        backoff: Backoff | None = None,
        max_attempts: int | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._connect = connect
        self._since = since
        self._follow = follow_active
        self._until_done = until_done
        self._active_jobs = active_jobs
        self._fetch_events = fetch_events
        self._backoff = backoff or Backoff()
        self._max_attempts = max_attempts
        self._sleep = sleep
        self._sequencer = Sequencer()
        for job_id in job_ids:
            self._sequencer.add(job_id, since)
        self.connection: ConnectionState = "connecting"
        self.feed_detail = ""
        self.retry_in: float | None = None
        self.reconnects = 0
        self._gen: AsyncGenerator[JobEvent, None] | None = None
        self._conn: FeedConnection | None = None

    # -- iteration --------------------------------------------------------------------------

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> JobEvent:
        if self._gen is None:
            self._gen = self._run()
        return await self._gen.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._gen is not None:
            await self._gen.aclose()
        await self._drop_connection()
        self.connection = "closed"

    @property
    def records(self) -> dict[str, JobRecord]:
        """Each job's record as of the last event handed on (docs/protocol.md, rule 4)."""
        return self._sequencer.records

    @property
    def job_ids(self) -> list[str]:
        return list(self._sequencer.tracks)

    def last_seq(self, job_id: str) -> int | None:
        return self._sequencer.tracks[job_id].last_seq

    def progress(self, job_id: str) -> float:
        """The job's progress as shown so far: it never goes back (docs/protocol.md, rule 9)."""
        return self._sequencer.tracks[job_id].progress

    # -- the link ---------------------------------------------------------------------------

    def _done(self) -> bool:
        return self._until_done and self._sequencer.all_finished()

    async def _run(self) -> AsyncGenerator[JobEvent, None]:
        attempt = 0
        first = True
        while not self._done():
            try:
                self._conn = await self._connect(
                    {track.job_id: track.last_seq for track in self._sequencer.tracks.values()}
                )
            except FeedUnavailable as exc:
                attempt = await self._wait_before_retry(attempt, str(exc))
                continue
            try:
                session = self._session(self._conn, reconnected=not first)
                async with contextlib.aclosing(session) as events:
                    async for event in events:
                        attempt = 0
                        yield event
                return
            except _Reconnect as exc:
                log.info("feed link lost (%s); reconnecting", exc)
                await self._drop_connection()
                self.reconnects += 1
                first = False
                if not exc.immediately:
                    attempt = await self._wait_before_retry(attempt, str(exc))
            finally:
                await self._drop_connection()

    async def _wait_before_retry(self, attempt: int, reason: str) -> int:
        if self._max_attempts is not None and attempt >= self._max_attempts:
            self.connection = "closed"
            raise FeedUnavailable(f"gave up after {attempt} attempts: {reason}")
        self.connection = "reconnecting"
        self.retry_in = self._backoff.delay(attempt)
        await self._sleep(self.retry_in)
        self.retry_in = None
        return attempt + 1

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    # -- one connection ---------------------------------------------------------------------

    async def _session(
        self, conn: FeedConnection, *, reconnected: bool
    ) -> AsyncGenerator[JobEvent, None]:
        self.connection = "live"
        for track in list(self._sequencer.tracks.values()):
            for event in await self._subscribe(conn, track, required=not reconnected):
                yield event
        if self._follow and self._active_jobs is not None:
            for event in await self._take_in_active(conn):
                yield event
        while not self._done():
            for event in await self._handle(conn, await conn.receive()):
                yield event

    async def _handle(self, conn: FeedConnection, message: FeedMessage) -> list[JobEvent]:
        """What one message from the feed hands out; raises ``_Reconnect`` when the link ends."""
        if isinstance(message, DisconnectedMessage):
            raise _Reconnect(message.reason or "disconnected")
        if isinstance(message, SessionExpiredMessage):
            raise _Reconnect(message.reason or "session expired", immediately=True)
        if isinstance(message, FeedStatusMessage):
            self.connection = "degraded" if message.state == "degraded" else "live"
            self.feed_detail = message.detail
            return []
        if isinstance(message, ResyncMessage):
            track = self._sequencer.tracks.get(message.job_id)
            if track is None:
                return []
            return await self._subscribe(conn, track, required=False)
        return await self._receive(conn, message)

    async def _receive(self, conn: FeedConnection, message: EventMessage) -> list[JobEvent]:
        event = message.event
        track = self._sequencer.tracks.get(event.job_id)
        out: list[JobEvent] = []
        if track is None:
            if not self._follow:
                return out  # another job of this user, seen through the user room
            track = self._sequencer.add(event.job_id, max(event.seq - 1, 0))
            out += await self._subscribe(conn, track, required=False)
            if track.job_id not in self._sequencer.tracks:
                return out
        return out + await self._carry_out(conn, track, track.event(event))

    async def _subscribe(
        self, conn: FeedConnection, track: Track, *, required: bool
    ) -> list[JobEvent]:
        """Subscribes with ``since`` = the track's last seq (rule 1) and takes the ack in."""
        track.resubscribe()
        try:
            ack = await conn.subscribe(track.job_id, track.last_seq)
        except FeedUnavailable as exc:
            track.subscribe_failed()
            raise _Reconnect(str(exc)) from exc
        except NotFound:
            if required:
                raise
            log.info("job %s is gone; no longer watching it", track.job_id)
            self._sequencer.forget(track.job_id)
            return []
        return await self._carry_out(conn, track, track.ack(ack.job, ack.last_seq))

    async def _carry_out(
        self, conn: FeedConnection, track: Track, outcome: Outcome
    ) -> list[JobEvent]:
        """The outcome's events, and those of the fetch or subscribe it asks for."""
        out = list(outcome.applied)
        for kind, since in outcome.requests:
            if kind == "fetch":
                out += await self._carry_out(conn, track, await self._fetch(track, since or 0))
            else:
                out += await self._subscribe(conn, track, required=False)
        return out

    async def _fetch(self, track: Track, since: int) -> Outcome:
        """``GET /events?since=`` for a gap; with no REST, or REST down, the gap is filled by a
        fresh subscribe instead (the track asks for it)."""
        if self._fetch_events is None:
            return track.fetch_failed()
        try:
            page = await self._fetch_events(track.job_id, since)
        except (ServerUnreachable, FeedUnavailable):
            return track.fetch_failed()
        return track.fetched(page.events, page.last_seq)

    async def _take_in_active(self, conn: FeedConnection) -> list[JobEvent]:
        assert self._active_jobs is not None
        try:
            active = await self._active_jobs()
        except (ServerUnreachable, FeedUnavailable) as exc:
            raise _Reconnect(f"cannot list active jobs: {exc}") from exc
        out: list[JobEvent] = []
        for record in active:
            if record.job_id not in self._sequencer.tracks:
                track = self._sequencer.add(record.job_id, self._since)
                out += await self._subscribe(conn, track, required=False)
        return out
