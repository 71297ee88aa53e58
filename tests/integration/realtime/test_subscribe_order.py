"""A subscribe that lands while the user room is already bringing the job's events.

The races are narrow in a live run (events arriving between the user stream's read and the
subscribe's own reads from Redis), so they are set up here step by step on a real Redis: a
bridge with one recorded connection, and a job that has published seqs 1 to 3.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
import socketio
from redis.asyncio import Redis

from activities.runtime.publisher import RedisEventPublisher
from jobwire.contract.events import EventDraft, EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from realtime.bridge import Bridge
from realtime.connection import Connection
from realtime.packets import Outgoing
from realtime.replay import read_since

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


async def test_a_job_named_at_connect_is_answered_then_replayed_and_loses_nothing_held_back(
    settings: Settings, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = await scene(settings, redis)
    s.connection.hold(s.record.job_id, 1)
    for event in s.events:  # the user room brings 1 to 3 while the owner is being checked
        await s.bridge._on_event(s.user, event)
    replay_read, go_on = asyncio.Event(), asyncio.Event()

    async def read_then_wait(*args: Any, **kwargs: Any) -> Any:
        replay = await read_since(*args, **kwargs)
        replay_read.set()
        await go_on.wait()
        return replay

    monkeypatch.setattr("realtime.bridge.read_since", read_then_wait)
    subscribing = asyncio.create_task(
        s.bridge.subscribe(
            s.connection,
            s.record,
            1,
            announce=lambda last: s.connection.notify("subscribed", {"last_seq": last}),
        )
    )
    await replay_read.wait()  # the replay (2 and 3) is read, the job still held ...
    draft = EventDraft(
        job_id=s.record.job_id, user_id=s.user, type=EventType.PROGRESS, state=JobState.RUNNING,
        progress=4.0,
    )  # fmt: skip
    fourth = await RedisEventPublisher(redis, settings).publish(draft)
    assert fourth is not None
    await s.bridge._on_event(s.user, fourth)  # ... when the room brings 4, held back too
    monkeypatch.setattr("realtime.bridge.read_since", read_since)
    go_on.set()
    assert await subscribing == 3
    s.events.append(fourth)
    sent = await s.sent_once_all_are_out()
    assert sent == [None, 2, 3, 4], "the answer, the replay, then what was held back"
