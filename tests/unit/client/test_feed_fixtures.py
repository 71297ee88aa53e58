"""Every recorded feed sequence in tests/fixtures/feed, run through the Python ``Track``.

The console runs the same files (web/test/feedFixtures.test.ts): one algorithm, two
implementations, held to the same outcomes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jobwire.client.sequencer import Outcome, Track
from jobwire.contract.events import JobEvent
from jobwire.contract.records import JobRecord

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "feed"
DEFAULTS = json.loads((FIXTURES / "defaults.json").read_text())
CASES = sorted(p for p in FIXTURES.glob("*.json") if p.name != "defaults.json")


def record_of(fields: dict[str, Any]) -> JobRecord:
    return JobRecord.model_validate({**DEFAULTS["record"], **fields})


def event_of(fields: dict[str, Any]) -> JobEvent:
    raw = {**DEFAULTS["event"], **fields}
    if raw["type"] == "job.snapshot" and isinstance(raw["data"].get("record"), dict):
        raw["data"] = {**raw["data"], "record": {**DEFAULTS["record"], **raw["data"]["record"]}}
    return JobEvent.model_validate(raw)


STEPS: dict[str, Callable[[Track, dict[str, Any]], Outcome]] = {
    "ack": lambda track, body: track.ack(record_of(body["record"]), body["last_seq"]),
    "event": lambda track, body: track.event(event_of(body)),
    "resync": lambda track, _: track.resubscribe(),
    "reconnect": lambda track, _: track.resubscribe(),
    "fetch": lambda track, _: track.fetch(),
    "fetched": lambda track, body: track.fetched(
        [event_of(e) for e in body["events"]], body["last_seq"]
    ),
    "fetch_failed": lambda track, _: track.fetch_failed(),
    "record": lambda track, body: track.take_record(record_of(body["record"]), body.get("seq")),
}


def run_step(track: Track, step: dict[str, Any]) -> Outcome:
    ((kind, body),) = step.items()
    return STEPS[kind](track, body)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_client_follows_the_recorded_sequence(path: Path) -> None:
    case = json.loads(path.read_text())
    track = Track("job-1", case["since"], case.get("buffer_limit", 256))
    applied: list[int] = []
    lost: list[list[int]] = []
    requests: list[dict[str, int | None]] = []
    for step in case["steps"]:
        outcome = run_step(track, step)
        applied += [event.seq for event in outcome.applied]
        lost += [list(span) for span in outcome.lost]
        requests += [{kind: since} for kind, since in outcome.requests]
    expect = case["expect"]
    assert applied == expect["applied"]
    assert lost == expect["lost"]
    assert requests == expect["requests"]
    assert track.last_seq == expect["last_seq"]
    assert track.progress == expect["progress"]
    assert track.done is expect["done"]
    assert track.record is not None
    shown = track.record.model_dump(mode="json")
    assert {key: shown[key] for key in expect["record"]} == expect["record"]


def test_the_recorded_sequences_are_found() -> None:
    assert len(CASES) >= 10
