"""The seq bookkeeping behind ``JobWatch``: each event once, in order, per job.

The feed delivers at least once and, around reconnects, replays and user-room broadcasts, in
almost any order. Per job this keeps the last ``seq`` handed out and a small buffer of early
arrivals: a duplicate is dropped and an early event waits for the ones before it. It does no
I/O; the watch decides when a gap is worth fetching and when it is given up on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pydantic import ValidationError

from jobwire.client.models import SubscribeAck
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState

log = logging.getLogger(__name__)


@dataclass
class Track:
    """What the watch knows about one job."""

    job_id: str
    last_seq: int | None
    pending: dict[int, JobEvent] = field(default_factory=dict)
    replay_until: int = 0
    state: JobState | None = None
    filled_at: int | None = None
    """``last_seq`` at which a gap was last filled from REST, so each gap is fetched once."""

    @property
    def finished(self) -> bool:
        return (
            self.state is not None
            and self.state.is_terminal
            and self.last_seq is not None
            and self.last_seq >= self.replay_until
            and not self.pending
        )


class Sequencer:
    """The tracks of the watched jobs and their latest records, kept in step with the events."""

    def __init__(self) -> None:
        self.tracks: dict[str, Track] = {}
        self.records: dict[str, JobRecord] = {}

    def add(self, job_id: str, since: int | None) -> Track:
        track = self.tracks.get(job_id)
        if track is None:
            track = self.tracks[job_id] = Track(job_id, since)
        return track

    def forget(self, job_id: str) -> None:
        del self.tracks[job_id]

    def all_finished(self) -> bool:
        return bool(self.tracks) and all(track.finished for track in self.tracks.values())

    def take_ack(self, track: Track, ack: SubscribeAck) -> list[JobEvent]:
        """Folds a subscribe ack in: the job's record, where its replay will end, and whether
        the job is already over as far as this watch has seen."""
        self.records[track.job_id] = ack.job
        if track.last_seq is None:
            track.last_seq = ack.last_seq
        track.replay_until = max(track.replay_until, ack.last_seq)
        if track.last_seq >= ack.last_seq:
            track.state = ack.job.state
        return self.flush(track)

    def accept(self, track: Track, event: JobEvent) -> list[JobEvent]:
        if event.type is EventType.SNAPSHOT:
            return self._accept_snapshot(track, event)
        if track.last_seq is not None and event.seq <= track.last_seq:
            return []
        track.pending.setdefault(event.seq, event)
        return self.flush(track)

    def _accept_snapshot(self, track: Track, event: JobEvent) -> list[JobEvent]:
        """A snapshot stands for everything up to its ``seq``; it may repeat a seq when the
        feed is degraded and progress comes from polling, so it is passed on when it is newer
        or says something new."""
        known = self.records.get(track.job_id)
        newer = track.last_seq is None or event.seq > track.last_seq
        changed = known is None or (known.state, known.progress, known.step) != (
            event.state,
            event.progress,
            event.step,
        )
        if not newer and not changed:
            return []
        raw = event.data.get("record")
        if isinstance(raw, dict):
            try:
                self.records[track.job_id] = JobRecord.model_validate(raw)
            except ValidationError:
                log.warning("job %s: snapshot with a malformed record", track.job_id)
        track.last_seq = max(track.last_seq or 0, event.seq)
        track.pending = {s: e for s, e in track.pending.items() if s > track.last_seq}
        track.state = event.state
        self._note(event)
        return [event, *self.flush(track)]

    def flush(self, track: Track) -> list[JobEvent]:
        """Hands out the pending events that now follow on, dropping what is already out."""
        out: list[JobEvent] = []
        if track.last_seq is None:
            return out
        for seq in [s for s in track.pending if s <= track.last_seq]:
            del track.pending[seq]
        while track.last_seq + 1 in track.pending:
            event = track.pending.pop(track.last_seq + 1)
            track.last_seq = event.seq
            track.state = event.state
            self._note(event)
            out.append(event)
        return out

    def skip_gap(self, track: Track) -> list[JobEvent]:
        """Gives up on a gap nothing could fill (trimmed from the feed), with a warning."""
        if not track.pending or track.last_seq is None:
            return []
        lost = (track.last_seq + 1, min(track.pending) - 1)
        log.warning("job %s: events %d..%d are gone from the feed", track.job_id, *lost)
        track.last_seq = lost[1]
        return self.flush(track)

    def _note(self, event: JobEvent) -> None:
        record = self.records.get(event.job_id)
        if record is not None and event.type is not EventType.SNAPSHOT:
            self.records[event.job_id] = record.model_copy(
                update={
                    "state": event.state,
                    "progress": event.progress,
                    "step": event.step or record.step,
                    "updated_at": event.ts,
                }
            )
