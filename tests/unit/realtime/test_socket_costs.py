"""The pieces that bound a socket's cost, without servers: origins, the message budget, a
client's lag, one-line errors, and which realtime module may import which."""

from __future__ import annotations

import ast
import asyncio
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from unittest.mock import ANY

import socketio

from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.logs import OneLineErrors
from jobwire.projection.snapshot import record_json, snapshot_event
from realtime.client import Client, Outlet, Verdict
from realtime.engine import EngineSocket
from realtime.guard import MessageBudget
from realtime.guard import Verdict as Budget
from realtime.server import OriginCheck
from tests.unit.realtime.fakes import Backlog, event

REALTIME = Path(__file__).resolve().parents[3] / "realtime"


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
    assert verdicts == [Budget.ALLOW] * 3 + [Budget.REFUSE, Budget.REFUSE, Budget.DISCONNECT]
    assert await budget.spend("s2") is Budget.ALLOW, "budgets are per connection"
    await budget.forget("s1")
    assert await budget.spend("s1") is Budget.ALLOW


class Sent:
    """What ``sio.emit`` and ``sio.disconnect`` were asked to do, in order."""

    def __init__(self, backlog: Backlog) -> None:
        self.backlog = backlog
        self.items: list[tuple[str, Any]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.items.append((event, data))
        self.backlog.waiting += 1

    async def disconnect(self, sid: str, namespace: str | None = None) -> None:
        self.items.append(("disconnect", sid))

    def start_background_task(self, target: Any, *args: Any) -> asyncio.Task[None]:
        return asyncio.create_task(target(*args))


async def test_a_client_that_keeps_falling_behind_is_told_to_resync_then_let_go_once() -> None:
    backlog = Backlog()
    sent = Sent(backlog)
    outlet = Outlet(cast(socketio.AsyncServer, sent), buffer=10, max_lag=30, on_relay=print)
    client = Client(sid="s", user_id="alice", engine=cast(EngineSocket, backlog))
    for seq in range(1, 100):
        verdict = client.verdict(event(seq), outlet.buffer)
        if verdict is Verdict.STALL:
            await outlet.resync(client, "job-1", seq - 1)
        elif verdict is Verdict.SEND:
            assert await outlet.event(client, event(seq), seq - 1)
        else:
            outlet.check(client)
    await asyncio.sleep(0.01)
    names = [name for name, _ in sent.items]
    assert names == ["job_event"] * 10 + ["resync", "disconnect"], "let go once, resync first"
    assert sent.items[10][1] == {"job_id": "job-1", "since": 10, "reason": ANY}
    assert client.gone and client.stalled == {"job-1"}


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


def test_the_namespace_calls_the_hub_and_the_hub_never_imports_the_namespace() -> None:
    for module in ("hub", "client", "subscription", "engine", "feed", "guard"):
        tree = ast.parse((REALTIME / f"{module}.py").read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert "realtime.namespace" not in imported, module
        assert "realtime.server" not in imported, module


def test_a_snapshot_carries_the_spec_only_when_asked() -> None:
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

    assert snapshot_event(record, 4, spec=False).data["record"]["spec"] == {}
    assert snapshot_event(record, 4, spec=False).seq == 4
    with_spec = snapshot_event(record, 4, spec=True)
    assert with_spec.data["record"]["spec"] == {"type": "count", "items": 3}
    assert JobRecord.model_validate(record_json(record, spec=False)).spec == {}, "still a record"
