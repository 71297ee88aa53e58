"""The seq bookkeeping behind ``JobWatch``: docs/protocol.md's client algorithm, once.

"Following a job: the client algorithm" there is the rule book; the console's
``web/src/eventStore.ts`` follows the same rules, and both run every recorded sequence in
``tests/fixtures/feed``. A ``Track`` does no I/O: each message in gives an ``Outcome`` out, the
events to hand on and the requests (a REST fetch, a subscribe) the watch then makes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from jobwire.client.folding import fold
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import JobRecord

log = logging.getLogger(__name__)

BUFFER_LIMIT = 256
"""Early arrivals kept per job; beyond it the newest are dropped and fetched again."""

Request = tuple[Literal["fetch", "subscribe"], int | None]
"""What the watch should do next: fetch the events after ``since``, or subscribe with it."""


@dataclass
class Outcome:
    applied: list[JobEvent] = field(default_factory=list)
    lost: list[tuple[int, int]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)


class Track:
    """One followed job: its record at ``record_seq``, ``last_seq`` applied, early arrivals."""

    def __init__(self, job_id: str, since: int | None, buffer_limit: int = BUFFER_LIMIT) -> None:
        self.job_id = job_id
        self.last_seq = since
        self.record: JobRecord | None = None
        self.record_seq: int | None = None
        self.progress = 0.0
        self.buffer: dict[int, JobEvent] = {}
        self.buffer_limit = buffer_limit
        self.subscribing = True
        """A subscribe is under way (every follow starts with one); its ack has not come."""
        self.replay_to = 0
        self.fetching: int | None = None
        self.page_span: tuple[int, int] | None = None
        """The last page fetched: after ``since`` up to its ``last_seq``; what it lacks is gone."""
        self._tried: tuple[int | None, set[str]] = (None, set())

    @property
    def done(self) -> bool:
        """Terminal, and every event up to the record's seq handed on: nothing more will come."""
        return (
            self.record is not None
            and self.record.state.is_terminal
            and self.last_seq is not None
            and self.last_seq >= (self.record_seq or 0)
            and not self.buffer
            and not self.subscribing
        )

    # -- messages in (rules 1, 2, 3, 5, 7, 8 of the algorithm) -----------------------------

    def resubscribe(self) -> Outcome:
        self.subscribing = True
        self.replay_to = 0
        return Outcome(requests=[("subscribe", self.last_seq)])

    def subscribe_failed(self) -> None:
        self.subscribing = False

    def ack(self, record: JobRecord, last_seq: int) -> Outcome:
        self.subscribing = False
        if self.last_seq is None:
            self.last_seq = last_seq
        self.replay_to = last_seq
        self.take_record(record, last_seq)
        out = Outcome()
        self._flush(out)
        return self._settle(out)

    def event(self, event: JobEvent) -> Outcome:
        out = Outcome()
        self._receive(event, out)
        return self._settle(out, overflow=self._trim())

    def fetch(self) -> Outcome:
        """The watch fetches on its own (a job its connection may have carried unkept)."""
        return Outcome(requests=[self._ask("fetch")])

    def fetched(self, events: Iterable[JobEvent], last_seq: int) -> Outcome:
        """A REST page, applied whole and then judged: a seq it covers but lacks is gone."""
        since, self.fetching = self.fetching, None
        if since is not None:
            self.page_span = (since, last_seq)
        out = Outcome()
        for event in events:
            if event.job_id == self.job_id:
                self._receive(event, out)
        return self._settle(out, overflow=self._trim())

    def fetch_failed(self) -> Outcome:
        self.fetching = None
        return self._settle(Outcome())

    def take_record(self, record: JobRecord, seq: int | None = None) -> Outcome:
        """A record at ``seq`` (none: an older server's, taken as current at ``record_seq``)."""
        if record.job_id != self.job_id:
            return Outcome()
        if seq is not None and self.record_seq is not None and seq < self.record_seq:
            return Outcome()
        self.record = record
        if seq is not None:
            self.record_seq = seq
        self._show(record.progress)
        return Outcome()

    # -- the rules' insides ------------------------------------------------------------------

    def _receive(self, event: JobEvent, out: Outcome) -> None:
        if event.type is EventType.SNAPSHOT:
            self._snapshot(event, out)
            return
        if self.last_seq is not None and event.seq <= self.last_seq:
            return
        self.buffer.setdefault(event.seq, event)
        if self._replay_skipped(event.seq):
            self.replay_to = 0
        self._flush(out)

    def _replay_skipped(self, seq: int) -> bool:
        """A replayed event past a seq neither applied nor kept: the replay (in order) will not
        bring that seq, so the gap need not wait for it."""
        if self.subscribing or self.last_seq is None or seq > self.replay_to:
            return False
        return any(s not in self.buffer for s in range(self.last_seq + 1, seq))

    def _snapshot(self, event: JobEvent, out: Outcome) -> None:
        record = self._snapshot_record(event)
        repeat = self.last_seq is not None and event.seq <= self.last_seq
        if repeat and (event.seq < (self.last_seq or 0) or not self._says_something_new(event)):
            return
        self.last_seq = max(self.last_seq or 0, event.seq)
        self.buffer = {s: e for s, e in self.buffer.items() if s > event.seq}
        if record is not None:
            self.take_record(record, event.seq)
        elif self.record is not None and event.seq >= (self.record_seq or 0):
            self.record = fold(self.record, event)
            self.record_seq = event.seq
        self._hand_on(event, out)
        self._flush(out)

    def _snapshot_record(self, event: JobEvent) -> JobRecord | None:
        raw = event.data.get("record")
        if not isinstance(raw, dict):
            return None
        try:
            return JobRecord.model_validate(raw)
        except ValidationError:
            log.warning("job %s: snapshot %d with a malformed record", self.job_id, event.seq)
            return None

    def _says_something_new(self, event: JobEvent) -> bool:
        known = self.record
        if known is None or (self.record_seq or 0) > event.seq:
            return known is None
        said = (known.state, known.progress, known.step)
        return said != (event.state, event.progress, event.step)

    def _flush(self, out: Outcome) -> None:
        if self.last_seq is None:
            return
        self.buffer = {s: e for s, e in self.buffer.items() if s > self.last_seq}
        while (event := self.buffer.pop(self.last_seq + 1, None)) is not None:
            self.last_seq = event.seq
            if self.record is not None and event.seq > (self.record_seq or 0):
                self.record = fold(self.record, event)
                self.record_seq = event.seq
            self._hand_on(event, out)

    def _hand_on(self, event: JobEvent, out: Outcome) -> None:
        self._show(event.progress)
        out.applied.append(event)

    def _show(self, progress: float) -> None:
        """Progress shown only rises (rule 9); the record carries the number shown."""
        self.progress = max(self.progress, progress)
        if self.record is not None and self.record.progress != self.progress:
            self.record = self.record.model_copy(update={"progress": self.progress})

    def _trim(self) -> bool:
        """Drops the newest early arrivals beyond the limit; True when some had to go."""
        extra = sorted(self.buffer)[self.buffer_limit :]
        for seq in extra:
            del self.buffer[seq]
        return bool(extra)

    def _settle(self, out: Outcome, *, overflow: bool = False) -> Outcome:
        """Rule 6: what an open gap waits for, or how it is filled, or that it is lost."""
        while self.last_seq is not None and self.buffer:
            first = min(self.buffer)
            if self.fetching is not None:
                break
            waiting = self.subscribing or self.last_seq < self.replay_to
            if waiting and not overflow:
                break
            covered = self.page_span is not None and self.page_span[0] <= self.last_seq
            if covered and self.page_span is not None and self.last_seq < self.page_span[1]:
                self._lose(min(first - 1, self.page_span[1]), out)
                continue
            position, tried = self._tried
            tried = tried if position == self.last_seq else set()
            if "fetch" not in tried:
                out.requests.append(self._ask("fetch"))
            elif "subscribe" not in tried:
                self._tried = (self.last_seq, tried | {"subscribe"})
                out.requests.append(self.resubscribe().requests[0])
            else:
                self._lose(first - 1, out)
                continue
            break
        return out

    def _ask(self, kind: Literal["fetch"]) -> Request:
        position, tried = self._tried
        tried = tried if position == self.last_seq else set()
        self._tried = (self.last_seq, tried | {kind})
        self.fetching = self.last_seq or 0
        return (kind, self.fetching)

    def _lose(self, upto: int, out: Outcome) -> None:
        assert self.last_seq is not None
        out.lost.append((self.last_seq + 1, upto))
        log.warning("job %s: events %d..%d are gone from the feed", self.job_id, *out.lost[-1])
        self.last_seq = upto
        self._flush(out)


class Sequencer:
    """The tracks of the watched jobs."""

    def __init__(self) -> None:
        self.tracks: dict[str, Track] = {}

    @property
    def records(self) -> dict[str, JobRecord]:
        return {job_id: t.record for job_id, t in self.tracks.items() if t.record is not None}

    def add(self, job_id: str, since: int | None) -> Track:
        track = self.tracks.get(job_id)
        if track is None:
            track = self.tracks[job_id] = Track(job_id, since)
        return track

    def forget(self, job_id: str) -> None:
        del self.tracks[job_id]

    def all_finished(self) -> bool:
        return bool(self.tracks) and all(track.done for track in self.tracks.values())
