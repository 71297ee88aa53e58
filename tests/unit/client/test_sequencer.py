"""The watch's seq bookkeeping on its own, with no feed: once, in order, gaps given up on."""

from __future__ import annotations

from jobwire.client.models import SubscribeAck
from jobwire.client.sequencer import Sequencer
from jobwire.contract.events import EventType
from jobwire.contract.states import JobState
from tests.unit.client.fakes import make_event, make_record

JOB = "job-1"


def test_an_early_event_waits_for_the_ones_before_it_and_a_duplicate_is_dropped() -> None:
    sequencer = Sequencer()
    track = sequencer.add(JOB, 0)
    assert sequencer.accept(track, make_event(JOB, 2)) == []
    out = sequencer.accept(track, make_event(JOB, 1))
    assert [event.seq for event in out] == [1, 2]
    assert sequencer.accept(track, make_event(JOB, 2)) == []
    assert track.last_seq == 2


def test_a_gap_nothing_fills_is_skipped_and_what_follows_handed_out() -> None:
    sequencer = Sequencer()
    track = sequencer.add(JOB, 0)
    sequencer.accept(track, make_event(JOB, 4))
    assert [event.seq for event in sequencer.skip_gap(track)] == [4]
    assert not track.pending


def test_the_record_follows_the_events_and_a_finished_job_is_done() -> None:
    sequencer = Sequencer()
    track = sequencer.add(JOB, None)
    assert sequencer.take_ack(track, SubscribeAck(job=make_record(JOB), last_seq=1)) == []
    assert not sequencer.all_finished()
    done = make_event(JOB, 2, EventType.COMPLETED, JobState.COMPLETED, 100.0)
    assert sequencer.accept(track, done) == [done]
    assert sequencer.records[JOB].state is JobState.COMPLETED
    assert sequencer.all_finished()


def test_no_jobs_is_never_done() -> None:
    assert not Sequencer().all_finished()
