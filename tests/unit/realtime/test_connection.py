"""A connection's queue: order, no repeats, gap detection, and resync for a slow client."""

from __future__ import annotations

import asyncio
from typing import Any

from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.states import JobState
from realtime.connection import Connection
from realtime.packets import Outgoing


def event(seq: int, job_id: str = "job-1") -> JobEvent:
    return JobEvent(
        job_id=job_id,
        user_id="alice",
        type=EventType.PROGRESS,
        state=JobState.RUNNING,
        progress=1.0,
        seq=seq,
    )


class Recorder:
    def __init__(self, *, stall: asyncio.Event | None = None) -> None:
        self.sent: list[tuple[str, Any]] = []
        self.stall = stall

    async def __call__(self, item: Outgoing) -> None:
        if self.stall is not None:
            await self.stall.wait()
        self.sent.append((item.event, item.data))


def connection(emit: Recorder, size: int = 100) -> Connection:
    return Connection(sid="s", user_id="alice", expires_at=None, send=emit, buffer_size=size)


async def drained(conn: Connection) -> None:
    """Lets the sender task run until the queue is empty and the last item is out."""
    for _ in range(10_000):
        if conn.queue.empty():
            break
        await asyncio.sleep(0)
    await asyncio.sleep(0.001)


async def test_events_go_out_in_order_and_repeats_are_dropped() -> None:
    emit = Recorder()
    conn = connection(emit)
    conn.start()
    conn.resume("job-1", 0)
    for seq in [1, 2, 2, 1, 3]:
        verdict = conn.expects(event(seq))
        if verdict:
            conn.deliver(event(seq))
    await drained(conn)
    await conn.close()
    assert [data["seq"] for _, data in emit.sent] == [1, 2, 3]


def test_a_jump_in_seq_is_reported_as_a_gap() -> None:
    conn = connection(Recorder())
    conn.resume("job-1", 4)
    assert conn.expects(event(5)) is True
    assert conn.expects(event(7)) is False
    assert conn.expects(event(3)) is None
    assert conn.expects(event(1, job_id="job-new")) is True, "a job never seen starts anywhere"


async def test_a_stalled_client_is_told_to_resync_and_others_are_not_held_up() -> None:
    stuck = asyncio.Event()
    slow_emit, fast_emit = Recorder(stall=stuck), Recorder()
    slow, fast = connection(slow_emit, size=10), connection(fast_emit, size=10)
    slow.start()
    fast.start()
    for seq in range(1, 40):
        for conn in (slow, fast):
            if conn.expects(event(seq)):
                conn.deliver(event(seq))
        await asyncio.sleep(0)
    await drained(fast)
    assert [d["seq"] for _, d in fast_emit.sent] == list(range(1, 40))
    assert slow.queue.qsize() <= 10, "the backlog is bounded"

    stuck.set()
    await drained(slow)
    names = [name for name, _ in slow_emit.sent]
    assert names[-1] == "resync"
    resync = slow_emit.sent[-1][1]
    sent_seqs = [d["seq"] for name, d in slow_emit.sent if name == "job_event"]
    assert resync["job_id"] == "job-1" and resync["since"] == max(sent_seqs, default=0)
    assert sent_seqs == list(range(1, resync["since"] + 1)), "nothing before since is missing"

    slow.resume("job-1", resync["since"])
    assert slow.expects(event(resync["since"] + 1)) is True, "a resubscribe starts delivery again"
    await slow.close()
    await fast.close()


async def test_nothing_is_sent_before_the_connection_is_ready() -> None:
    emit = Recorder()
    conn = connection(emit)
    ready = asyncio.Event()
    conn.start(ready=ready.wait)
    conn.resume("job-1", 0)
    conn.deliver(event(1))
    conn.deliver(event(2))
    for _ in range(20):
        await asyncio.sleep(0)
    assert emit.sent == [], "queued, not sent, while the handshake is under way"
    ready.set()
    await drained(conn)
    await conn.close()
    assert [data["seq"] for _, data in emit.sent] == [1, 2]


def test_a_held_job_takes_nothing_live_until_released_and_a_refused_one_is_forgotten() -> None:
    conn = connection(Recorder())
    conn.hold("job-1", 4)
    conn.hold("job-2", None)
    assert conn.expects(event(9)) is None, "held: the replay from 4 brings it, in order"
    conn.release("job-1")
    assert conn.expects(event(5)) is True and conn.expects(event(9)) is False
    conn.forget("job-2")
    assert "job-2" not in conn.subscribed and "job-2" not in conn.held
    conn.forget("job-1")  # released: a refusal of it can no longer arrive
    assert "job-1" in conn.subscribed and conn.delivered["job-1"] == 4
