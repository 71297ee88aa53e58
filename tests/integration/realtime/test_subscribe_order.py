"""A subscribe that lands while the user room is already bringing the job's events.

The races are narrow in a live run (events arriving between the user stream's read and the
subscribe's own reads from Redis), so they are set up here step by step on a real Redis: a
bridge with one recorded connection, and a job that has published seqs 1 to 3.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import cast

import pytest
import socketio
from redis.asyncio import Redis

from jobwire.contract.events import EventDraft, EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.feed.publisher import RedisEventPublisher
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from realtime.bridge import Bridge
from realtime.connection import Connection
from realtime.packets import Outgoing

pytestmark = pytest.mark.integration


@dataclass
class Scene:
    bridge: Bridge
    connection: Connection
    user: str
    events: list[JobEvent]
    sent: list[int] = field(default_factory=list)

    @property
    def record(self) -> JobRecord:
        first = self.events[0]
        return JobRecord(
            job_id=first.job_id,
            user_id=self.user,
            type="count",
            state=JobState.RUNNING,
            spec={},
            created_at=first.ts,
            updated_at=first.ts,
        )

    async def sent_once_all_are_out(self) -> list[int]:
        for _ in range(100):
            if len(self.sent) >= len(self.events):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # anything sent twice would be out by now
        await self.connection.close()
        return self.sent


async def scene(settings: Settings, redis: Redis) -> Scene:
    user, job_id = f"user-{uuid.uuid4().hex[:6]}", f"job-{uuid.uuid4()}"
    bridge = Bridge(
        socketio.AsyncServer(async_mode="asgi"),
        settings,
        cast(JobService, None),  # these paths never ask Temporal
        redis,
    )
    sent: list[int] = []

    async def record(item: Outgoing) -> None:
        sent.append(cast(int, item.seq))

    connection = Connection(sid="s", user_id=user, expires_at=None, send=record, buffer_size=100)
    connection.start()
    bridge._by_user[user] = {connection.sid: connection}
    publisher = RedisEventPublisher(redis, settings)
    events: list[JobEvent] = []
    for n in range(1, 4):
        draft = EventDraft(
            job_id=job_id, user_id=user, type=EventType.PROGRESS, state=JobState.RUNNING,
            progress=float(n),
        )  # fmt: skip
        published = await publisher.publish(draft)
        assert published is not None
        events.append(published)
    assert [e.seq for e in events] == [1, 2, 3]
    return Scene(bridge, connection, user, events, sent)


async def test_subscribing_without_since_keeps_what_the_user_room_is_bringing(
    settings: Settings, redis: Redis
) -> None:
    s = await scene(settings, redis)
    first, *rest = s.events
    await s.bridge._on_event(s.user, first)  # the user room brought seq 1 ...
    # ... then the client subscribes with no since while 2 and 3 are still on their way
    await s.bridge.subscribe(s.connection, s.record, None)
    for event in rest:
        await s.bridge._on_event(s.user, event)
    assert await s.sent_once_all_are_out() == [1, 2, 3]


async def test_events_the_user_room_sends_while_a_replay_is_read_are_not_sent_again(
    settings: Settings, redis: Redis
) -> None:
    s = await scene(settings, redis)
    _, second, third = s.events
    subscribing = asyncio.create_task(s.bridge.subscribe(s.connection, s.record, 0))
    await asyncio.sleep(0)  # the subscribe is now waiting for Redis to answer its replay read
    await s.bridge._on_event(s.user, second)  # ... while the user room sends 2 and 3
    await s.bridge._on_event(s.user, third)
    await subscribing
    assert sorted(await s.sent_once_all_are_out()) == [1, 2, 3]
