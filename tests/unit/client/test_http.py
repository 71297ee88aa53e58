"""REST calls against httpx's MockTransport: paths, bodies, headers, typed answers, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from jobwire.client import (
    Conflict,
    InvalidRequest,
    JobwireClient,
    NotFound,
    RateLimited,
    ServerUnreachable,
    SyncJobwireClient,
    Unauthorized,
)
from jobwire.contract.states import JobState
from tests.unit.client.fakes import NOW, make_event, make_record

BASE = "http://jobwire.test"


def record_json(job_id: str = "job-1", state: str = "running") -> dict[str, Any]:
    return make_record(job_id, JobState(state)).model_dump(mode="json")


class Recorder:
    def __init__(self, handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def client_for(handler, token: str | None = "tok") -> tuple[JobwireClient, Recorder]:
    recorder = Recorder(handler)
    return JobwireClient(BASE, token, transport=httpx.MockTransport(recorder)), recorder


async def test_submit_posts_the_spec_with_token_and_idempotency_key():
    client, seen = client_for(lambda r: httpx.Response(201, json=record_json()))
    async with client:
        job = await client.submit({"type": "research", "topic": "x"}, idempotency_key="k1")
    request = seen.requests[0]
    assert (request.method, request.url.path) == ("POST", "/api/jobs")
    assert json.loads(request.content) == {"type": "research", "topic": "x"}
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.headers["Idempotency-Key"] == "k1"
    assert job.job_id == "job-1" and job.state is JobState.RUNNING


def replaying_api() -> Callable[[httpx.Request], httpx.Response]:
    """201 for a key's first submission, then 200 with ``Idempotent-Replayed``, as the API."""
    keys: set[str] = set()

    def answer(request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        if key in keys:
            return httpx.Response(200, json=record_json(), headers={"Idempotent-Replayed": "true"})
        keys.add(key)
        return httpx.Response(201, json=record_json())

    return answer


async def test_a_submission_says_whether_an_earlier_one_under_its_key_started_the_job():
    client, _ = client_for(replaying_api())
    async with client:
        first = await client.submission({"type": "research", "topic": "x"}, idempotency_key="k")
        again = await client.submission({"type": "research", "topic": "x"}, idempotency_key="k")
    assert (first.replayed, again.replayed) == (False, True)
    assert first.job.job_id == again.job.job_id == "job-1"


def test_the_sync_client_says_so_too():
    with SyncJobwireClient(BASE, "tok", transport=httpx.MockTransport(replaying_api())) as client:
        outcomes = [client.submission({"type": "research"}, idempotency_key="k") for _ in "ab"]
    assert [outcome.replayed for outcome in outcomes] == [False, True]


async def test_list_sends_filters_and_iter_follows_cursors():
    pages = {
        None: {"items": [record_json("job-1")], "next_cursor": "c2"},
        "c2": {"items": [record_json("job-2")], "next_cursor": None},
    }
    client, seen = client_for(lambda r: httpx.Response(200, json=pages[r.url.params.get("cursor")]))
    async with client:
        page = await client.list_jobs(state=JobState.RUNNING, type="trade", limit=5)
        every = [job.job_id async for job in client.iter_jobs(state="running")]
    assert dict(seen.requests[0].url.params) == {"state": "running", "type": "trade", "limit": "5"}
    assert page.next_cursor == "c2"
    assert every == ["job-1", "job-2"]


@pytest.mark.parametrize("action", ["pause", "resume", "cancel"])
async def test_controls_post_to_their_action(action):
    client, seen = client_for(lambda r: httpx.Response(202, json=record_json(state="paused")))
    async with client:
        job = await getattr(client, action)("job-1")
    assert seen.requests[0].url.path == f"/api/jobs/job-1/{action}"
    assert job.state is JobState.PAUSED


async def test_restart_sends_an_amended_spec_and_returns_the_new_job():
    client, seen = client_for(lambda r: httpx.Response(202, json=record_json("job-new")))
    async with client:
        job = await client.restart("job-1", {"type": "research", "topic": "y"})
    assert json.loads(seen.requests[0].content) == {"spec": {"type": "research", "topic": "y"}}
    assert job.job_id == "job-new"


async def test_events_stats_meta_and_job_types_are_typed():
    answers = {
        "/api/jobs/job-1/events": {
            "events": [make_event("job-1", 3).model_dump(mode="json")],
            "last_seq": 3,
        },
        "/api/jobs/stats": {"total": 2, "by_state": {"running": 2}, "by_type": {"trade": 2}},
        "/api/meta": {
            "version": "0.1.0",
            "temporal_ui_url": "http://127.0.0.1:8233/",
            "temporal_namespace": "default",
        },
        "/api/job-types": [
            {"type": "trade", "description": "d", "phases": ["a"], "schema": {"x": 1}}
        ],
    }
    client, seen = client_for(lambda r: httpx.Response(200, json=answers[r.url.path]))
    async with client:
        events = await client.events("job-1", since=2)
        stats = await client.stats()
        meta = await client.meta()
        types = await client.job_types()
    assert seen.requests[0].url.params["since"] == "2"
    assert [e.seq for e in events.events] == [3] and events.last_seq == 3
    assert stats.by_state == {"running": 2}
    assert meta.temporal_link("job-1") == (
        "http://127.0.0.1:8233/namespaces/default/workflows/job-1"
    )
    assert types[0].json_schema == {"x": 1}


def problem(status: int, **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": "T", "status": status, "detail": "D", **extra}
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (problem(404), NotFound),
        (problem(401), Unauthorized),
        (problem(409, state="completed"), Conflict),
        (problem(422, errors=[{"field": "quantity", "message": "must be > 0"}]), InvalidRequest),
    ],
)
async def test_error_answers_raise_typed_errors_with_problem_details(response, error):
    client, _ = client_for(lambda r: response)
    async with client:
        with pytest.raises(error) as caught:
            await client.get_job("job-1")
    assert caught.value.problem.status == response.status_code
    assert "T" in str(caught.value) and "D" in str(caught.value)


async def test_conflict_and_field_errors_read_well():
    client, _ = client_for(
        lambda r: problem(422, errors=[{"field": "quantity", "message": "must be > 0"}])
    )
    async with client:
        with pytest.raises(InvalidRequest) as caught:
            await client.submit({"type": "trade"})
    assert "quantity: must be > 0" in str(caught.value)


async def test_rate_limit_carries_retry_after():
    response = problem(429)
    response.headers["Retry-After"] = "7"
    client, _ = client_for(lambda r: response)
    async with client:
        with pytest.raises(RateLimited) as caught:
            await client.submit({"type": "trade"})
    assert caught.value.retry_after == 7.0


async def test_fastapi_validation_shape_becomes_field_errors():
    body = {"detail": [{"loc": ["body", "quantity"], "msg": "too small", "type": "x"}]}
    client, _ = client_for(lambda r: httpx.Response(422, json=body))
    async with client:
        with pytest.raises(InvalidRequest) as caught:
            await client.submit({"type": "trade"})
    assert caught.value.problem.errors[0].field == "quantity"


async def test_a_non_json_error_still_becomes_a_problem():
    client, _ = client_for(lambda r: httpx.Response(502, text="bad gateway"))
    async with client:
        with pytest.raises(Exception) as caught:
            await client.stats()
    assert "502" in str(caught.value) and "bad gateway" in str(caught.value)


async def test_an_unreachable_server_raises_server_unreachable():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client, _ = client_for(refuse)
    async with client:
        with pytest.raises(ServerUnreachable, match=r"cannot reach http://jobwire\.test"):
            await client.get_job("job-1")


async def test_active_jobs_asks_for_each_unfinished_state():
    client, _ = client_for(
        lambda r: httpx.Response(
            200, json={"items": [record_json(f"job-{r.url.params['state']}")], "next_cursor": None}
        )
    )
    async with client:
        active = await client.active_jobs()
    assert [job.job_id for job in active] == ["job-created", "job-running", "job-paused"]


def test_sync_client_forwards_to_the_async_one():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=record_json())

    with SyncJobwireClient(BASE, "tok", transport=httpx.MockTransport(handler)) as client:
        job = client.get_job("job-1")
    assert job.created_at == NOW
    assert seen == ["/api/jobs/job-1"]


def test_sync_watch_yields_the_events_and_ends_with_the_job():
    from jobwire.contract.events import EventType
    from tests.unit.client.fakes import FakeFeedServer

    feed = FakeFeedServer()
    feed.create("job-1")
    feed.append("job-1")
    feed.append("job-1", EventType.COMPLETED, JobState.COMPLETED)
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=record_json()))
    with SyncJobwireClient(BASE, "tok", transport=transport, feed=feed) as client:
        seqs = [event.seq for event in client.watch("job-1")]
    assert seqs == [1, 2]
    assert feed.closed == 1
