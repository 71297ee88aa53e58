"""The feed benchmark's lean clients: frames kept raw while recording, decoded after."""

from __future__ import annotations

import json

from bench.feed_clients import Received


def event_frame(job_id: str, seq: int) -> str:
    event = {"job_id": job_id, "seq": seq, "ts": f"2026-12-01T08:00:0{seq}+00:00"}
    return "42/jobs," + json.dumps(["job_event", event])


def test_recorded_frames_become_rows_with_their_arrival_only_after_recording_stops() -> None:
    received = Received()
    received.on_frame(event_frame("job-a", 1))  # before the window: checked, not recorded
    received.recording = True
    received.on_frame(event_frame("job-a", 2))
    received.on_frame(event_frame("job-a", 3))
    assert received.rows == []
    received.stop_recording()
    assert [(job, seq, ts) for job, seq, ts, _ in received.rows] == [
        ("job-a", 2, "2026-12-01T08:00:02+00:00"),
        ("job-a", 3, "2026-12-01T08:00:03+00:00"),
    ]
    assert received.rows[0][3] <= received.rows[1][3]
    assert received.frames == []


def test_repeats_gaps_and_resyncs_are_counted_across_the_window() -> None:
    received = Received()
    received.on_frame(event_frame("job-a", 1))
    received.recording = True
    received.on_frame(event_frame("job-a", 1))  # repeated
    received.on_frame(event_frame("job-a", 3))  # 2 missing
    received.on_frame("42/jobs," + json.dumps(["resync", {"job_id": "job-a", "since": 3}]))
    received.stop_recording()
    received.on_frame(event_frame("job-a", 4))
    assert (received.order.repeated, received.order.gaps, received.resyncs) == (1, 1, 1)


def test_frames_other_than_events_record_nothing() -> None:
    received = Received()
    received.recording = True
    received.on_frame("42/jobs," + json.dumps(["feed_status", {"state": "live"}]))
    received.stop_recording()
    assert received.rows == []
