"""``JobWatch``: every event of the watched jobs exactly once, in ``seq`` order, across reconnects.

The feed delivers at least once and, around reconnects, replays and user-room broadcasts, in
almost any order. The watch keeps, per job, the last ``seq`` it handed out and a small buffer
of early arrivals: a duplicate is dropped, an early event waits for the ones before it, and a
gap that does not close on its own is filled from ``GET /events`` (the same envelopes). After
a dropped link it reconnects with exponential backoff and jitter and resubscribes each job with
``since=<last seq>``, so the server replays exactly what was missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Self

from pydantic import ValidationError

from jobwire.client.errors import FeedUnavailable, NotFound, ServerUnreachable
from jobwire.client.feed import (
    DisconnectedMessage,
    EventMessage,
    FeedConnection,
    FeedConnector,
    FeedStatusMessage,
    ResyncMessage,
    SessionExpiredMessage,
)
from jobwire.client.models import EventPage
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState

log = logging.getLogger(__name__)

ConnectionState = Literal["connecting", "live", "degraded", "reconnecting", "closed"]
EventsFetcher = Callable[[str, int], Awaitable[EventPage]]
ActiveJobs = Callable[[], Awaitable[list[JobRecord]]]


class Backoff:
    """Exponential backoff with "equal jitter": half the ceiling fixed, half random.

    The fixed half keeps a crowd of clients from hammering a server that just came back;
    the random half spreads them out.
    """

    def __init__(
        self,
        initial: float = 0.25,
        factor: float = 2.0,
        maximum: float = 15.0,
        *,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
        self._rng = rng

    def ceiling(self, attempt: int) -> float:
        return min(self.maximum, self.initial * self.factor ** min(attempt, 64))

    def delay(self, attempt: int) -> float:
        ceiling = self.ceiling(attempt)
        return ceiling / 2 + self._rng() * ceiling / 2


@dataclass
class _Track:
    """What the watch knows about one job."""

    job_id: str
    last_seq: int | None
    pending: dict[int, JobEvent] = field(default_factory=dict)
    replay_until: int = 0
    state: JobState | None = None
    filled_at: int | None = None
    """``last_seq`` at which a gap was last filled from REST, so each gap is fetched once."""

    @property
    def finished(self) -> bool:
        return (
            self.state is not None
            and self.state.is_terminal
            and self.last_seq is not None
            and self.last_seq >= self.replay_until
            and not self.pending
        )


class _Reconnect(Exception):
    """The link is gone; ``immediately`` after a session expiry, else after a backoff."""

    def __init__(self, reason: str, *, immediately: bool = False) -> None:
        super().__init__(reason)
        self.immediately = immediately


class JobWatch:
    """Async iterator of ``JobEvent``; use ``async with client.watch(...) as watch``.

    ``records`` holds each job's latest record (from subscribe acks, snapshots and events);
    ``connection`` and ``retry_in`` describe the link, for a status line.
    """

    def __init__(
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
        self._tracks: dict[str, _Track] = {}
        for job_id in job_ids:
            self._add(job_id, since)
        self.records: dict[str, JobRecord] = {}
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
    def job_ids(self) -> list[str]:
        return list(self._tracks)

    def last_seq(self, job_id: str) -> int | None:
        return self._tracks[job_id].last_seq

    # -- the loop ---------------------------------------------------------------------------

    def _add(self, job_id: str, since: int | None) -> _Track:
        track = self._tracks.get(job_id)
        if track is None:
            track = self._tracks[job_id] = _Track(job_id, since)
        return track

    def _done(self) -> bool:
        if not self._until_done or not self._tracks:
            return False
        return all(track.finished for track in self._tracks.values())

    async def _run(self) -> AsyncGenerator[JobEvent, None]:
        attempt = 0
        first = True
        while not self._done():
            try:
                self._conn = await self._connect(
                    {track.job_id: track.last_seq for track in self._tracks.values()}
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

    async def _session(
        self, conn: FeedConnection, *, reconnected: bool
    ) -> AsyncGenerator[JobEvent, None]:
        self.connection = "live"
        for track in list(self._tracks.values()):
            for event in await self._subscribe(conn, track, required=not reconnected):
                yield event
        if self._follow and self._active_jobs is not None:
            for event in await self._take_in_active(conn):
                yield event
        while not self._done():
            message = await conn.receive()
            if isinstance(message, DisconnectedMessage):
                raise _Reconnect(message.reason or "disconnected")
            if isinstance(message, SessionExpiredMessage):
                raise _Reconnect(message.reason or "session expired", immediately=True)
            if isinstance(message, FeedStatusMessage):
                self.connection = "degraded" if message.state == "degraded" else "live"
                self.feed_detail = message.detail
                continue
            if isinstance(message, ResyncMessage):
                if message.job_id in self._tracks:
                    track = self._tracks[message.job_id]
                    for event in await self._subscribe(conn, track, required=False):
                        yield event
                continue
            for event in await self._receive(conn, message):
                yield event

    async def _receive(self, conn: FeedConnection, message: EventMessage) -> list[JobEvent]:
        event = message.event
        track = self._tracks.get(event.job_id)
        out: list[JobEvent] = []
        if track is None:
            if not self._follow:
                return out  # another job of this user, seen through the user room
            track = self._add(event.job_id, max(event.seq - 1, 0))
            out += await self._subscribe(conn, track, required=False)
        out += self._accept(track, event)
        out += await self._fill_gap(conn, track)
        return out

    async def _subscribe(
        self, conn: FeedConnection, track: _Track, *, required: bool
    ) -> list[JobEvent]:
        try:
            ack = await conn.subscribe(track.job_id, track.last_seq)
        except FeedUnavailable as exc:
            raise _Reconnect(str(exc)) from exc
        except NotFound:
            if required:
                raise
            log.info("job %s is gone; no longer watching it", track.job_id)
            del self._tracks[track.job_id]
            return []
        self.records[track.job_id] = ack.job
        if track.last_seq is None:
            track.last_seq = ack.last_seq
        track.replay_until = max(track.replay_until, ack.last_seq)
        if track.last_seq >= ack.last_seq:
            track.state = ack.job.state
        out = self._flush(track)
        if track.filled_at != track.last_seq:  # not while the replay it asked for is on its way
            out += await self._fill_gap(conn, track)
        return out

    async def _take_in_active(self, conn: FeedConnection) -> list[JobEvent]:
        assert self._active_jobs is not None
        try:
            active = await self._active_jobs()
        except (ServerUnreachable, FeedUnavailable) as exc:
            raise _Reconnect(f"cannot list active jobs: {exc}") from exc
        out: list[JobEvent] = []
        for record in active:
            if record.job_id not in self._tracks:
                track = self._add(record.job_id, self._since)
                out += await self._subscribe(conn, track, required=False)
        return out

    # -- ordering and dedupe ----------------------------------------------------------------

    def _accept(self, track: _Track, event: JobEvent) -> list[JobEvent]:
        if event.type is EventType.SNAPSHOT:
            return self._accept_snapshot(track, event)
        if track.last_seq is not None and event.seq <= track.last_seq:
            return []
        track.pending.setdefault(event.seq, event)
        return self._flush(track)

    def _accept_snapshot(self, track: _Track, event: JobEvent) -> list[JobEvent]:
        """A snapshot stands for everything up to its ``seq``; it may repeat a seq when the
        feed is degraded and progress comes from polling, so it is passed on when it is newer
        or says something new."""
        known = self.records.get(track.job_id)
        newer = track.last_seq is None or event.seq > track.last_seq
        changed = known is None or (known.state, known.progress, known.step) != (
            event.state,
            event.progress,
            event.step,
        )
        if not newer and not changed:
            return []
        raw = event.data.get("record")
        if isinstance(raw, dict):
            try:
                self.records[track.job_id] = JobRecord.model_validate(raw)
            except ValidationError:
                log.warning("job %s: snapshot with a malformed record", track.job_id)
        track.last_seq = max(track.last_seq or 0, event.seq)
        track.pending = {s: e for s, e in track.pending.items() if s > track.last_seq}
        track.state = event.state
        self._note(event)
        return [event, *self._flush(track)]

    def _flush(self, track: _Track) -> list[JobEvent]:
        out: list[JobEvent] = []
        if track.last_seq is None:
            return out
        for seq in [s for s in track.pending if s <= track.last_seq]:
            del track.pending[seq]
        while track.last_seq + 1 in track.pending:
            event = track.pending.pop(track.last_seq + 1)
            track.last_seq = event.seq
            track.state = event.state
            self._note(event)
            out.append(event)
        return out

    async def _fill_gap(self, conn: FeedConnection, track: _Track) -> list[JobEvent]:
        """Closes a gap once per position: from REST if it can, else by a fresh replay.

        What even that does not bring is gone from the feed (trimmed); it is skipped with a
        warning rather than waited for forever.
        """
        if not track.pending or track.last_seq is None:
            return []
        if track.filled_at == track.last_seq:
            return self._skip_gap(track)
        track.filled_at = track.last_seq
        if self._fetch_events is None:
            return await self._subscribe(conn, track, required=False)
        try:
            page = await self._fetch_events(track.job_id, track.last_seq)
        except (ServerUnreachable, FeedUnavailable):
            return []  # the link is probably down too; the resubscribe will replay
        out: list[JobEvent] = []
        for event in page.events:
            if event.job_id == track.job_id:
                out += self._accept(track, event)
        return out + self._skip_gap(track)

    def _skip_gap(self, track: _Track) -> list[JobEvent]:
        if not track.pending or track.last_seq is None:
            return []
        lost = (track.last_seq + 1, min(track.pending) - 1)
        log.warning("job %s: events %d..%d are gone from the feed", track.job_id, *lost)
        track.last_seq = lost[1]
        return self._flush(track)

    def _note(self, event: JobEvent) -> None:
        record = self.records.get(event.job_id)
        if record is not None and event.type is not EventType.SNAPSHOT:
            self.records[event.job_id] = record.model_copy(
                update={
                    "state": event.state,
                    "progress": event.progress,
                    "step": event.step or record.step,
                    "updated_at": event.ts,
                }
            )
