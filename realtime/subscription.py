"""A (connection, job) subscription: the job's events after ``since`` in order, then live.

Registered first, so the hub holds the job's live events back from this connection (and
marks it dirty), it reads the job's stream after ``since`` and sends that to the connection
alone. Once a read is out, a dirty subscription reads again; a clean one goes live in the
same step, so nothing falls between the stream and the room. A stream that no longer reaches
back to ``since`` is stood in for by a ``job.snapshot``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from jobwire.contract.records import JobRecord
from jobwire.jobs.service import JobService
from jobwire.projection.events import Replay, read_since
from jobwire.projection.snapshot import snapshot_event
from realtime.client import Client, Outlet, Subscription

log = logging.getLogger(__name__)
CHUNK = 500
RETRY_SECONDS = 1.0
CatchUp = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Subscriptions:
    outlet: Outlet
    redis: Redis
    jobs: JobService

    async def subscribe(
        self, client: Client, record: JobRecord, since: int | None, *, spec: bool,
        after: int | None, fresh: bool = False,
    ) -> tuple[int, CatchUp | None]:  # fmt: skip
        """The ack's ``last_seq``, and the catch-up to run once the ack is out. Without
        ``since``, live from the record's seq (from ``after``, the hub's last broadcast of the
        job to this user, only for a record without one): the ack's record and every event
        after its ``last_seq`` are then the whole job. (The job's counter ran ahead of the
        record: events it had numbered but the hub had not yet broadcast were skipped. The
        hub's last broadcast may run ahead of it too: events the room brought while the record
        was read would be claimed by the ack, and a client drops what the ack claims.) A job
        named at connect without ``since`` (``fresh``) held the room's events back until now,
        so it catches up from its record's seq. A repeat sends nothing again, unless ``fresh``
        (it replaces a placeholder)."""
        job_id, known = record.job_id, client.subs.get(record.job_id)
        if known is not None and not fresh:
            known.spec = spec
            return max(known.since or 0, after or 0), None
        client.stalled.discard(job_id)
        if since is None and fresh and record.seq is not None:
            since = record.seq  # it held the room's events back: those after its record replay
        if since is None:
            start = record.seq if record.seq is not None else after or 0
            client.subs[job_id] = Subscription(start, spec, live=True)
            return start, None
        sub = client.subs[job_id] = Subscription(since, spec)
        try:
            replay: Replay | None = await read_since(self.redis, job_id, since, limit=CHUNK)
        except (RedisError, OSError):  # the feed is degraded: the catch-up waits for Redis
            replay = None
        # The ack's record is the job as of its ``last_seq`` (a client takes it so): its own
        # seq, not the end of a replay that may have found events published after it was read.
        last = since if replay is None else max(since, _seq_of(record, replay))
        return last, lambda: self.catch_up(client, sub, job_id, replay)

    async def catch_up(
        self, client: Client, sub: Subscription, job_id: str, replay: Replay | None = None
    ) -> None:
        """Until it goes live, stops or is replaced; a read that fails is tried again while
        the job stays held (the hub's poll of Temporal covers the outage)."""
        while not client.gone and client.subs.get(job_id) is sub:
            try:
                if replay is None:
                    sub.dirty = False
                    replay = await read_since(self.redis, job_id, sub.since or 0, limit=CHUNK)
                events = replay.events
                if not replay.complete:
                    record = await self.jobs.get(client.user_id, job_id, include_spec=sub.spec)
                    events = [snapshot_event(record, replay.last_seq, spec=sub.spec)]
                for event in events:
                    if client.subs.get(job_id) is not sub:
                        return
                    if not await self.outlet.event(client, event, sub.since or 0):
                        return
                    sub.since = event.seq
                if not sub.dirty and len(replay.events) < CHUNK:
                    sub.live = True
                    return
            except (RedisError, OSError) as exc:
                log.warning("catching up %s waits for Redis: %s", job_id, exc)
                await asyncio.sleep(RETRY_SECONDS)
            except Exception:
                log.exception("catching up %s failed; it goes on live", job_id)
                sub.live = True
                return
            replay = None


def _seq_of(record: JobRecord, replay: Replay) -> int:
    """The seq the record is at; a record without one (rebuilt with no projection) is taken
    as at the end of what the replay read."""
    return record.seq if record.seq is not None else replay.last_seq
