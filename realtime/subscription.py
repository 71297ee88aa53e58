"""One (connection, job) subscription: the job's events after ``since`` in order, then live.

Registering the subscription makes the hub skip the job's live events for this connection
and mark it dirty; then the job's stream is read after ``since`` and sent to the connection
alone. When a read's events are out, a dirty subscription reads again and a clean one goes
live in the same step, so no event falls between the stream and the room. A stream that no
longer reaches back to ``since`` is stood in for by a ``job.snapshot`` of the job's record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from jobwire.contract.records import JobRecord
from jobwire.jobs.service import JobService
from realtime.client import Client, Subscription
from realtime.outlet import Outlet
from realtime.replay import Replay, latest_seq, read_since
from realtime.snapshot import snapshot_event

log = logging.getLogger(__name__)

CHUNK = 500
"""Events read from a job's stream at once: a long catch-up is read in steps."""

CatchUp = Callable[[], Coroutine[Any, Any, None]]


class Subscriptions:
    def __init__(self, outlet: Outlet, redis: Redis, jobs: JobService) -> None:
        self.outlet = outlet
        self.redis = redis
        self.jobs = jobs

    async def subscribe(
        self,
        client: Client,
        record: JobRecord,
        since: int | None,
        *,
        spec: bool,
        after: int | None,
        fresh: bool = False,
    ) -> tuple[int, CatchUp | None]:
        """The ack's ``last_seq``, and the catch-up to run once the ack is out (None: live now).

        Without ``since`` the events after ``after`` (the last one this instance broadcast, if
        any) or else after the job's latest seq follow. A repeat of a subscription sends
        nothing again, unless ``fresh`` (a job named at connect replaces its placeholder)."""
        job_id = record.job_id
        known = client.subs.get(job_id)
        if known is not None and not fresh:
            known.spec = spec
            return max(known.since or 0, after or 0), None
        client.stalled.discard(job_id)
        if since is None:
            start = after if after is not None else await self._latest(job_id)
            client.subs[job_id] = Subscription(start, spec, live=True)
            return start, None
        sub = client.subs[job_id] = Subscription(since, spec)
        try:
            replay = await read_since(self.redis, job_id, since, limit=CHUNK)
        except (RedisError, OSError):
            replay = Replay(events=[], last_seq=since, complete=False)
        return max(replay.last_seq, since), lambda: self.catch_up(
            client, job_id, sub, replay, record
        )

    async def catch_up(
        self,
        client: Client,
        job_id: str,
        sub: Subscription,
        replay: Replay | None = None,
        record: JobRecord | None = None,
    ) -> None:
        """Sends the job's events after ``sub.since`` until nothing new came meanwhile, then
        lets the hub's live events through. A failure leaves the subscription live."""
        try:
            while True:
                if replay is None:
                    sub.dirty = False
                    replay = await read_since(self.redis, job_id, sub.since or 0, limit=CHUNK)
                events = replay.events
                if not replay.complete:
                    record = record or await self.jobs.get(
                        client.user_id, job_id, include_spec=sub.spec
                    )
                    events = [snapshot_event(record, replay.last_seq, spec=sub.spec)]
                for event in events:
                    if client.gone or client.subs.get(job_id) is not sub:
                        return
                    if not await self.outlet.event(client, event, sub.since or 0):
                        return
                    sub.since = event.seq
                if not sub.dirty and len(replay.events) < CHUNK:
                    break
                replay, record = None, None
        except Exception:
            log.exception("catching up %s failed; it goes on live", job_id)
        sub.live = True

    async def _latest(self, job_id: str) -> int:
        try:
            return await latest_seq(self.redis, job_id)
        except (RedisError, OSError):
            return 0
