"""The peer baselines (``python -m bench.peers``) run end to end at their smallest, so the
harness cannot rot: every system's workers start as real processes, every measurement runs,
and the section renders. No timing is asserted; only what holds on any machine."""

from __future__ import annotations

import pytest

from bench.peers.run import measure_all
from bench.peers.section import section
from bench.peers.shape import JobShape, Profile

pytestmark = pytest.mark.integration

TINY = Profile(
    name="short",
    shape=JobShape(items=4, item_seconds=0.05),
    jobs=1,
    submissions=3,
    concurrency=(1, 2),
    subscribers=(1, 2),
    crash_shape=JobShape(items=24, item_seconds=0.05),
    crash_wait=5.0,
    celery_visibility_timeout=2.0,
)
SYSTEMS = [
    "Celery (defaults)",
    "Celery (`acks_late`, visibility timeout 2 s)",
    "Temporal, query polled",
    "Temporal Workflow Streams",
    "jobwire",
]


@pytest.mark.timeout(240)
async def test_every_peer_is_measured_in_one_run_and_pushed_progress_arrives_whole() -> None:
    rows = await measure_all(TINY)

    assert [row.system for row in rows] == SYSTEMS
    by_system = {row.system: row for row in rows}
    for name in ("Temporal Workflow Streams", "jobwire"):
        row = by_system[name]
        assert row.latency is not None
        watches = row.latency.watched + [w for fan in row.fanouts for w in fan.watched]
        assert [w.error for w in watches] == [None] * len(watches)
        # Pushed progress reaches every client whole: every item's report, each once.
        assert all(w.seen == set(range(1, TINY.shape.items + 1)) for w in watches)
        assert [fan.subscribers for fan in row.fanouts] == list(TINY.subscribers)
    for row in rows:
        assert row.crash is not None, row.system
        assert row.crash.done_before_kill >= TINY.crash_shape.items // 3
    for row in rows[:1] + rows[2:]:
        assert [rate.concurrency for rate in row.rates] == list(TINY.concurrency)
    # Celery acknowledges a task when a worker takes it: once that worker is killed, nothing
    # ever runs the rest of it.
    lost = by_system["Celery (defaults)"].crash
    assert lost is not None and not lost.finished and lost.seconds_to_resume is None

    text = section(rows, TINY)
    assert text.startswith("## Peers")
    assert all(f"**{name}**" in text for name in SYSTEMS)
