"""A subscribe that lands while the user room is already bringing the job's events.

The race is narrow in a live run (events appended between the user stream's read and the
subscribe's look at the job's counter), so it is set up here step by step on a real Redis.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, cast

import pytest
import socketio
from redis.asyncio import Redis

from jobwire.contract.events import EventDraft, EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.feed.publisher import RedisEventPublisher
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from realtime.bridge import Bridge
from realtime.connection import Connection
from realtime.packets import Outgoing

pytestmark = pytest.mark.integration


async def test_subscribing_without_since_keeps_what_the_user_room_is_bringing(
    settings: Settings, redis: Redis
) -> None:
    user, job_id = f"alice-{uuid.uuid4().hex[:6]}", f"job-{uuid.uuid4()}"
    bridge = Bridge(
        socketio.AsyncServer(async_mode="asgi"),
        settings,
        cast(JobService, None),  # this path never asks Temporal
        redis,
    )
    sent: list[int] = []

    async def record(item: Outgoing) -> None:
        sent.append(cast(int, item.seq))

    connection = Connection(sid="s", user_id=user, expires_at=None, send=record, buffer_size=100)
    connection.start()
    bridge._by_user[user] = {connection.sid: connection}
    publisher = RedisEventPublisher(redis, settings)
    drafts = [
        EventDraft(
            job_id=job_id,
            user_id=user,
            type=EventType.PROGRESS,
            state=JobState.RUNNING,
            progress=float(n),
        )
        for n in range(1, 4)
    ]
    events = [await publisher.publish(draft) for draft in drafts]
    assert [e.seq for e in events if e] == [1, 2, 3]
    first, *rest = [e for e in events if e is not None]
    await bridge._on_event(user, first)  # the user room brought seq 1 ...
    record_now: dict[str, Any] = {
        "job_id": job_id,
        "user_id": user,
        "type": "count",
        "state": "running",
        "spec": {},
        "created_at": first.ts,
        "updated_at": first.ts,
    }
    # ... then the client subscribes with no since while 2 and 3 are still on their way
    await bridge.subscribe(connection, JobRecord.model_validate(record_now), None)
    for event in rest:
        await bridge._on_event(user, event)
    for _ in range(100):
        if len(sent) >= 3:
            break
        await asyncio.sleep(0.01)
    await connection.close()
    assert sent == [1, 2, 3]


async def test_events_the_user_room_sends_while_a_replay_is_read_are_not_sent_again(
    settings: Settings, redis: Redis
) -> None:
    user, job_id = f"bob-{uuid.uuid4().hex[:6]}", f"job-{uuid.uuid4()}"
    bridge = Bridge(
        socketio.AsyncServer(async_mode="asgi"),
        settings,
        cast(JobService, None),  # this path never asks Temporal
        redis,
    )
    sent: list[int] = []

    async def record(item: Outgoing) -> None:
        sent.append(cast(int, item.seq))

    connection = Connection(sid="s", user_id=user, expires_at=None, send=record, buffer_size=100)
    connection.start()
    bridge._by_user[user] = {connection.sid: connection}
    publisher = RedisEventPublisher(redis, settings)
    events = [
        await publisher.publish(
            EventDraft(
                job_id=job_id,
                user_id=user,
                type=EventType.PROGRESS,
                state=JobState.RUNNING,
                progress=float(n),
            )
        )
        for n in range(1, 4)
    ]
    first, second, third = [e for e in events if e is not None]
    job: dict[str, Any] = {
        "job_id": job_id,
        "user_id": user,
        "type": "count",
        "state": "running",
        "spec": {},
        "created_at": first.ts,
        "updated_at": first.ts,
    }
    subscribing = asyncio.create_task(
        bridge.subscribe(connection, JobRecord.model_validate(job), 0)
    )
    await asyncio.sleep(0)  # the subscribe is now waiting for Redis to answer its replay read
    await bridge._on_event(user, second)  # ... while the user room sends 2 and 3
    await bridge._on_event(user, third)
    await subscribing
    for _ in range(100):
        if len(sent) >= 3:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    await connection.close()
    assert sorted(sent) == [1, 2, 3], sent
