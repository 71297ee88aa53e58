"""The watch's seq bookkeeping on its own, with no feed: what the recorded sequences in
tests/fixtures/feed (test_feed_fixtures.py) do not reach: the sequencer's bookkeeping of
several jobs, malformed input, and a subscribe that could not be sent."""

from __future__ import annotations

from jobwire.client.sequencer import Sequencer, Track
from jobwire.contract.events import EventType
from jobwire.contract.states import JobState
from tests.unit.client.fakes import make_event, make_record

JOB = "job-1"


def seqs(track_outcome) -> list[int]:
    return [event.seq for event in track_outcome.applied]


def test_an_early_event_waits_for_the_ones_before_it_and_a_duplicate_is_dropped() -> None:
    track = Sequencer().add(JOB, 0)
    track.ack(make_record(JOB), 0)
    assert seqs(track.event(make_event(JOB, 2))) == []
    assert seqs(track.event(make_event(JOB, 1))) == [1, 2]
    assert seqs(track.event(make_event(JOB, 2))) == []
    assert track.last_seq == 2


def test_a_gap_nothing_fills_is_reported_lost_and_what_follows_handed_out() -> None:
    track = Track(JOB, 0)
    track.ack(make_record(JOB), 0)
    assert track.event(make_event(JOB, 4)).requests == [("fetch", 0)]
    outcome = track.fetched([], 4)
    assert outcome.lost == [(1, 3)]
    assert seqs(outcome) == [4]
    assert not track.buffer


def test_the_record_follows_the_events_and_a_finished_job_is_done() -> None:
    sequencer = Sequencer()
    track = sequencer.add(JOB, None)
    assert track.ack(make_record(JOB), 1).applied == []
    assert not sequencer.all_finished()
    done = make_event(JOB, 2, EventType.COMPLETED, JobState.COMPLETED, 100.0)
    assert track.event(done).applied == [done]
    assert sequencer.records[JOB].state is JobState.COMPLETED
    assert sequencer.all_finished()


def test_no_jobs_is_never_done() -> None:
    assert not Sequencer().all_finished()


def test_a_snapshot_with_a_malformed_record_still_stands_for_everything_up_to_its_seq() -> None:
    track = Track(JOB, 0)
    track.ack(make_record(JOB), 0)
    snapshot = make_event(JOB, 5, EventType.SNAPSHOT, JobState.PAUSED, 40.0).model_copy(
        update={"data": {"record": {"job_id": JOB}}}
    )
    assert seqs(track.event(snapshot)) == [5]
    assert track.last_seq == 5
    assert track.record is not None
    assert (track.record.state, track.record.progress) == (JobState.PAUSED, 40.0)


def test_an_unanswered_subscribe_no_longer_holds_a_gap_once_it_failed() -> None:
    track = Track(JOB, 0)
    track.event(make_event(JOB, 1))
    assert track.event(make_event(JOB, 3)).requests == []  # the subscribe's replay may bring 2
    track.subscribe_failed()
    assert track.event(make_event(JOB, 4)).requests == [("fetch", 1)]


def test_a_record_of_another_job_is_not_taken() -> None:
    track = Track(JOB, 0)
    track.take_record(make_record("job-2", progress=50.0), 3)
    assert track.record is None
    assert track.progress == 0.0
