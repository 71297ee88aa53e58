"""Reads a job's events back from Redis: what a reconnecting client missed, and how far the
stream still reaches, so a caller knows when only a snapshot from Temporal can fill the gap."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from jobwire import redis_keys as keys
from jobwire.contract.events import EventDraft, JobEvent


@dataclass(frozen=True)
class Replay:
    events: list[JobEvent]
    last_seq: int
    complete: bool
    """False when events after ``since`` were trimmed or expired: the caller starts from a
    snapshot instead."""


def decode_event(entry_id: str, body: str) -> JobEvent:
    return EventDraft.model_validate_json(body).numbered(keys.seq_of(entry_id))


async def latest_seq(redis: Redis, job_id: str) -> int:
    value = await redis.get(keys.job_seq(job_id))
    return int(value) if value else 0


async def read_since(redis: Redis, job_id: str, since: int, *, limit: int | None = None) -> Replay:
    """Events with ``seq > since`` in order (at most ``limit``), and whether none is missing.

    The stream and its counter are read in one transaction (their keys share a slot): read
    apart, an event numbered between the two reads would look like one the stream lost, and
    a snapshot would stand in for it."""
    start = "-" if since <= 0 else f"({keys.stream_id(since)}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xrange(keys.job_events(job_id), min=start, max="+", count=limit)
        pipe.get(keys.job_seq(job_id))
        raw, counter = await pipe.execute()
    events = [
        decode_event(str(entry_id), str(fields[keys.EVENT_FIELD])) for entry_id, fields in raw
    ]
    last = max(int(counter) if counter else 0, events[-1].seq if events else 0)
    first_available = events[0].seq if events else last + 1
    complete = first_available == since + 1 or (not events and last <= since)
    return Replay(events=events, last_seq=last, complete=complete)


async def events_published(redis: Redis) -> int:
    """How many events all workers have appended to the feed, ever."""
    value = await redis.get(keys.EVENTS_PUBLISHED)
    return int(value) if value else 0
