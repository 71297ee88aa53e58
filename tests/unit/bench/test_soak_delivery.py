"""How the soak judges what one client received: an early event from the user room that the
link's own replay brings again is the protocol at work (counted apart); any other repeat,
gap or reordering on a link is a failure."""

from __future__ import annotations

from typing import Any

from bench.soak import SoakClient, check_delivery

JOB = "job-1"


def event(seq: int, link: int = 0, *, early: bool = False) -> dict[str, Any]:
    return {"job_id": JOB, "seq": seq, "type": "job.progress", "_link": link, "_early": early}


def received(*events: dict[str, Any]) -> SoakClient:
    client = SoakClient(urls=[], token="", job_id=JOB, turn=0)
    client.events = list(events)
    return client


def test_early_events_the_replay_brings_again_are_not_repeats() -> None:
    got = check_delivery(
        received(event(1, early=True), event(2, early=True), event(1), event(2), event(3)), 3
    )
    assert (got.repeated, got.out_of_order, got.missing, got.early_then_replayed) == (0, 0, 0, 2)


def test_a_repeat_after_the_answer_is_one_on_its_link() -> None:
    got = check_delivery(received(event(1), event(2), event(2), event(3)), 3)
    assert (got.repeated, got.early_then_replayed) == (1, 0)


def test_an_early_event_never_brought_again_is_simply_received() -> None:
    got = check_delivery(received(event(1, early=True), event(2), event(3)), 3)
    assert (got.repeated, got.missing, got.early_then_replayed) == (0, 0, 0)


def test_an_early_copy_on_another_link_is_a_repeat_after_a_reconnect() -> None:
    got = check_delivery(received(event(1, 0, early=True), event(1, 1), event(2, 1)), 2)
    assert (got.repeated, got.repeated_after_reconnect, got.early_then_replayed) == (0, 1, 0)


def test_a_missing_seq_and_a_reordering_are_counted() -> None:
    got = check_delivery(received(event(2), event(1), event(4)), 4)
    assert (got.missing, got.out_of_order) == (1, 1)
