"""A tiny in-memory jobwire API for CLI unit tests: REST over httpx's MockTransport, the live
feed from ``FakeFeedServer``, and two job types registered in a registry of their own."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Literal

import httpx
import typer
from pydantic import BaseModel, Field

from jobwire.cli.jobs.group import client_app
from jobwire.client.config import ClientSettings
from jobwire.client.http import JobwireClient
from jobwire.client.watch import Backoff
from jobwire.contract.events import EventType
from jobwire.contract.registry import JobTypeRegistry, Phase
from jobwire.contract.specs import JobInput
from jobwire.contract.states import JobAction, JobState, allowed_actions
from tests.unit.client.fakes import FakeFeedServer


class ResearchInput(JobInput):
    """Research a topic across sources."""

    type: Literal["research"] = "research"
    topic: str = Field(min_length=1, description="What to research.")
    max_sources: int = Field(default=5, ge=1, le=50)
    sources: list[str] = Field(default_factory=list)
    deep: bool = False


class Limits(BaseModel):
    max_slippage_bps: int = Field(ge=0)


class TradeInput(JobInput):
    """Work an order in slices."""

    type: Literal["trade"] = "trade"
    symbol: str
    side: Literal["buy", "sell"]
    quantity: Decimal = Field(gt=0)
    limits: Limits | None = None


def registry() -> JobTypeRegistry:
    types = JobTypeRegistry()  # no installed job types: only these two
    types.register(ResearchInput, [Phase("fetch")], phases_module=__name__)
    types.register(TradeInput, [Phase("execute")], phases_module=__name__)
    return types


def problem(status: int, title: str, detail: str, **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


class FakeApi:
    def __init__(self) -> None:
        self.feed = FakeFeedServer()
        self.submitted: list[dict[str, Any]] = []
        self.requests: list[httpx.Request] = []
        self.settings: list[ClientSettings] = []
        self.counter = 0
        self.workers: dict[str, Any] | None = None

    def app(self) -> typer.Typer:
        app = typer.Typer()
        app.add_typer(client_app(registry()))
        return app

    def factory(self, settings: ClientSettings) -> JobwireClient:
        self.settings.append(settings)
        return JobwireClient(
            settings.url,
            settings.token_value,
            transport=httpx.MockTransport(self.handle),
            feed=self.feed,
            backoff=Backoff(initial=0.001, maximum=0.01),
        )

    def add_job(self, state: JobState = JobState.RUNNING, events: int = 0) -> str:
        self.counter += 1
        job_id = f"job-{self.counter}"
        self.feed.create(job_id, JobState.RUNNING)
        for _ in range(events):
            self.feed.append(job_id)
        if state.is_terminal:
            kind = {
                JobState.COMPLETED: EventType.COMPLETED,
                JobState.FAILED: EventType.FAILED,
                JobState.CANCELLED: EventType.CANCELLED,
            }[state]
            self.feed.append(job_id, kind, state)
        self.feed.records[job_id] = self.feed.records[job_id].model_copy(
            update={"state": state, "allowed_actions": allowed_actions(state)}
        )
        return job_id

    def record(self, job_id: str) -> dict[str, Any]:
        return self.feed.records[job_id].model_dump(mode="json")

    def handle(self, request: httpx.Request) -> httpx.Response:  # noqa: C901, PLR0911 -- a stand-in server: one branch per route
        self.requests.append(request)
        if request.headers.get("Authorization") != "Bearer tok":
            return problem(401, "Unauthorized", "missing or invalid token")
        path, method = request.url.path, request.method
        if path == "/api/jobs" and method == "POST":
            body = json.loads(request.content)
            if body.get("type") not in ("research", "trade"):
                return problem(
                    422,
                    "Invalid job spec",
                    "unknown job type",
                    errors=[{"field": "type", "message": "unknown job type"}],
                )
            self.submitted.append(body)
            job_id = self.add_job(JobState.COMPLETED, events=2)
            return httpx.Response(201, json=self.record(job_id))
        if path == "/api/jobs" and method == "GET":
            items = [r.model_dump(mode="json") for r in self.feed.records.values()]
            state = request.url.params.get("state")
            items = [i for i in items if state is None or i["state"] == state]
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        if path == "/api/jobs/stats":
            return httpx.Response(
                200,
                json={
                    "total": len(self.feed.records),
                    "by_state": {"running": 1},
                    "by_type": {"research": 1},
                },
            )
        if path == "/api/meta":
            return httpx.Response(
                200,
                json={
                    "version": "t",
                    "temporal_ui_url": "http://ui:8233",
                    "temporal_namespace": "default",
                    "workers": self.workers,
                },
            )
        match = re.fullmatch(r"/api/jobs/(job-[^/]+)(?:/(\w+))?", path)
        if not match or match.group(1) not in self.feed.records:
            return problem(404, "Job not found", f"no job {match.group(1) if match else path!r}")
        job_id, action = match.groups()
        if action is None:
            return httpx.Response(200, json=self.record(job_id))
        if action == "events":
            since = int(request.url.params.get("since", 0))
            events = [e.model_dump(mode="json") for e in self.feed.events[job_id] if e.seq > since]
            return httpx.Response(200, json={"events": events, "last_seq": self.feed.seq[job_id]})
        state = self.feed.records[job_id].state
        if JobAction(action) not in allowed_actions(state):
            return problem(
                409,
                "Action not allowed in this state",
                f"cannot {action} a job that is {state}",
                state=state,
            )
        if action == "restart":
            new_id = self.add_job(JobState.COMPLETED, events=1)
            return httpx.Response(202, json=self.record(new_id))
        new_state = {
            "pause": JobState.PAUSED,
            "resume": JobState.RUNNING,
            "cancel": JobState.CANCELLED,
        }[action]
        self.feed.records[job_id] = self.feed.records[job_id].model_copy(
            update={"state": new_state}
        )
        return httpx.Response(202, json=self.record(job_id))
