"""Whether a live event goes to a connection: the rule the hub applies per event and client."""

from __future__ import annotations

from typing import cast

from realtime.client import Client, Subscription, Verdict
from realtime.engine import EngineSocket
from tests.unit.realtime.fakes import Backlog, event


def client(backlog: Backlog | None = None) -> Client:
    return Client(sid="s", user_id="alice", engine=cast(EngineSocket, backlog or Backlog()))


def test_a_job_catching_up_is_skipped_and_marked_dirty_so_its_stream_is_read_again() -> None:
    c = client()
    c.subs["job-1"] = sub = Subscription(since=3)
    assert c.verdict(event(4), buffer=10) is Verdict.SKIP
    assert sub.dirty, "the catch-up reads once more before it goes live"
    assert c.verdict(event(4, job_id="job-2"), buffer=10) is Verdict.SEND, "other jobs flow"


def test_a_live_subscription_skips_what_its_catch_up_sent_and_takes_the_rest() -> None:
    c = client()
    c.subs["job-1"] = Subscription(since=7, live=True)
    assert [c.verdict(event(seq), buffer=10) for seq in (6, 7, 8)] == [
        Verdict.SKIP,
        Verdict.SKIP,
        Verdict.SEND,
    ]
    c.subs["job-2"] = Subscription(since=None, live=True)
    assert c.verdict(event(1, job_id="job-2"), buffer=10) is Verdict.SEND


def test_a_client_with_a_full_backlog_stalls_the_job_until_it_subscribes_again() -> None:
    backlog = Backlog(waiting=10)
    c = client(backlog)
    c.subs["job-1"] = Subscription(since=2, live=True)
    assert c.verdict(event(3), buffer=10) is Verdict.STALL
    resync = c.stall("job-1", 2)
    assert resync == {"job_id": "job-1", "since": 2, "reason": "you fell too far behind"}
    assert "job-1" not in c.subs
    backlog.waiting = 0
    assert c.verdict(event(4), buffer=10) is Verdict.SKIP, "nothing more of it, even caught up"
    assert c.dropped == 2, "each one it missed counts towards its lag"
    assert c.verdict(event(1, job_id="job-2"), buffer=10) is Verdict.SEND
    assert c.dropped == 0, "caught up: nothing waits any more"
