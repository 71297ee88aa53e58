"""The pieces that bound a socket's cost, without servers: origins, the message budget, a
client's lag, one-line errors, and which realtime module may import which."""

from __future__ import annotations

import ast
import asyncio
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from realtime.connection import Connection
from realtime.guard import MessageBudget, Verdict
from realtime.packets import Outgoing
from realtime.server import OneLineErrors, OriginCheck
from realtime.snapshot import record_json

REALTIME = Path(__file__).resolve().parents[3] / "realtime"


def event(seq: int, job_id: str = "job-1") -> JobEvent:
    return JobEvent(
        job_id=job_id,
        user_id="alice",
        type=EventType.PROGRESS,
        state=JobState.RUNNING,
        progress=1.0,
        seq=seq,
    )


def test_only_the_apis_own_origin_and_listed_ones_may_open_a_socket() -> None:
    check = OriginCheck(["https://console.example/"])
    environ = {"HTTP_HOST": "api.example:8000", "wsgi.url_scheme": "http"}
    assert check(None, environ), "no Origin: not a browser (the CLI, scripts)"
    assert check("http://api.example:8000", environ)
    assert check("https://console.example", environ)
    assert not check("http://attacker.example", environ)
    assert not check("http://api.example:8001", environ)
    assert OriginCheck(["*"])("http://anything.example", environ)


async def test_a_client_over_its_budget_is_refused_then_told_to_go() -> None:
    budget = MessageBudget(3)
    verdicts = [await budget.spend("s1") for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.REFUSE, Verdict.REFUSE, Verdict.DISCONNECT]
    assert await budget.spend("s2") is Verdict.ALLOW, "budgets are per connection"
    await budget.forget("s1")
    assert await budget.spend("s1") is Verdict.ALLOW


async def test_a_client_that_keeps_falling_behind_is_let_go_once_with_its_resync() -> None:
    never = asyncio.Event()

    async def stuck(item: Outgoing) -> None:
        await never.wait()

    let_go: list[int] = []
    conn = Connection(
        sid="s",
        user_id="alice",
        expires_at=None,
        send=stuck,
        buffer_size=10,
        max_lag=30,
        too_far_behind=lambda: let_go.append(1),
    )
    conn.start()
    for seq in range(1, 100):
        if conn.expects(event(seq)):
            conn.deliver(event(seq))
        await asyncio.sleep(0)
    assert let_go == [1], "handed over once, past max_lag"
    notices = conn.take_notices()
    assert [item.event for item in notices] == ["resync"]
    assert conn.queue.empty()
    await conn.close()


def test_a_logged_error_with_a_traceback_becomes_one_line() -> None:
    try:
        raise ValueError("Invalid packet\n" + "x" * 1000)
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "engineio.server", logging.ERROR, "f", 1, "handler error", (), exc_info
    )
    assert OneLineErrors().filter(record)
    assert record.exc_info is None
    assert record.getMessage().startswith("handler error: ValueError: Invalid packet")
    assert len(record.getMessage()) < 300


def test_the_namespace_calls_the_bridge_and_the_bridge_never_imports_the_namespace() -> None:
    for module in ("bridge", "connection", "packets", "outlet", "snapshot"):
        tree = ast.parse((REALTIME / f"{module}.py").read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert "realtime.namespace" not in imported, module
        assert "realtime.server" not in imported, module


async def test_a_connections_snapshots_carry_the_spec_only_for_jobs_subscribed_with_it() -> None:
    now = datetime.now(UTC)
    record = JobRecord(
        job_id="job-1",
        user_id="alice",
        type="count",
        state=JobState.RUNNING,
        spec={"type": "count", "items": 3},
        created_at=now,
        updated_at=now,
    )

    async def ignore(item: Outgoing) -> None:
        pass

    conn = Connection(sid="s", user_id="alice", expires_at=None, send=ignore, buffer_size=10)
    assert conn.snapshot(record, 4).data["record"]["spec"] == {}
    assert conn.snapshot(record, 4).seq == 4
    conn.with_spec.add("job-1")
    assert conn.snapshot(record, 4).data["record"]["spec"] == {"type": "count", "items": 3}
    assert JobRecord.model_validate(record_json(record, spec=False)).spec == {}, "still a record"
