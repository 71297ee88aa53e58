"""POST /api/jobs/actions: one action on many jobs, each answered done, not allowed or not
found, per user and within bounds."""

from __future__ import annotations

import uuid

import httpx
import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.api_stack import Api, api_stack

pytestmark = pytest.mark.integration

SLOW = {"type": "count", "items": 2000, "item_seconds": 0.05}


async def _submit(http: httpx.AsyncClient, spec: dict) -> str:
    response = await http.post("/api/jobs", json=spec)
    assert response.status_code == 201, response.text
    return str(response.json()["job_id"])


def _outcomes(answer: dict) -> dict[str, str]:
    return {item["job_id"]: item["outcome"] for item in answer["results"]}


async def test_bulk_cancel_by_ids_answers_each_job(api: Api) -> None:
    async with api.client("bea") as http, api.client("carl") as other:
        running = [await _submit(http, SLOW) for _ in range(2)]
        finished = await _submit(http, {"type": "count", "items": 1})
        await api.wait_for_state(http, finished, JobState.COMPLETED)
        theirs = await _submit(other, SLOW)
        missing = f"job-{uuid.uuid4()}"
        ids = [*running, finished, theirs, missing, "not-a-job"]
        response = await http.post("/api/jobs/actions", json={"action": "cancel", "ids": ids})
        assert response.status_code == 200, response.text
        answer = response.json()
        assert _outcomes(answer) == {
            running[0]: "done",
            running[1]: "done",
            finished: "not_allowed",
            theirs: "not_found",
            missing: "not_found",
            "not-a-job": "not_found",
        }
        refused = next(item for item in answer["results"] if item["job_id"] == finished)
        assert refused["state"] == "completed"
        for job_id in running:
            await api.wait_for_state(http, job_id, JobState.CANCELLED)
        still = (await other.get(f"/api/jobs/{theirs}")).json()
        assert still["state"] in ("created", "running"), "another user's job was touched"
        await other.post(f"/api/jobs/{theirs}/cancel")


async def test_bulk_pause_resume_and_restart_by_filter(api: Api) -> None:
    tag = f"batch-{api.run}"
    async with api.client("dora") as http:
        tagged = [await _submit(http, {**SLOW, "tags": [tag]}) for _ in range(2)]
        untagged = await _submit(http, SLOW)

        async def listed() -> bool:
            page = (await http.get("/api/jobs", params={"tag": tag})).json()
            return len(page["items"]) == 2

        await assert_eventually(listed, timeout=30, message="tagged jobs never listed")
        body = {"action": "pause", "filter": {"tags": [tag]}, "reason": "nightly window"}
        answer = (await http.post("/api/jobs/actions", json=body)).json()
        assert _outcomes(answer) == dict.fromkeys(tagged, "done") and not answer["more"]
        for job_id in tagged:
            record = await api.wait_for_state(http, job_id, JobState.PAUSED)
            assert record.last_control and record.last_control.reason == "nightly window"
        assert (await http.get(f"/api/jobs/{untagged}")).json()["state"] != "paused"
        answer = (await http.post("/api/jobs/actions", json={**body, "action": "cancel"})).json()
        assert set(_outcomes(answer).values()) == {"done"}
        for job_id in tagged:
            await api.wait_for_state(http, job_id, JobState.CANCELLED)
        answer = (await http.post("/api/jobs/actions", json={**body, "action": "restart"})).json()
        fresh = [item["new_job_id"] for item in answer["results"] if item["outcome"] == "done"]
        assert len(fresh) == 2 and not set(fresh) & set(tagged), answer
        ids = [*fresh, untagged]
        answer = await http.post("/api/jobs/actions", json={"action": "cancel", "ids": ids})
        assert set(_outcomes(answer.json()).values()) == {"done"}


async def test_a_filter_matching_more_than_the_bound_acts_on_the_bound_and_says_more(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    tight = settings.model_copy(update={"bulk_action_max_jobs": 2})
    async with api_stack(tight, temporal_client, redis, counting_registry()) as api:
        tag = f"many-{api.run}"
        async with api.client("enzo") as http:
            ids = [await _submit(http, {**SLOW, "tags": [tag]}) for _ in range(3)]

            async def listed() -> bool:
                page = (await http.get("/api/jobs", params={"tag": tag})).json()
                return len(page["items"]) == 3

            await assert_eventually(listed, timeout=30, message="never listed")
            body = {"action": "cancel", "filter": {"tags": [tag]}}
            first = (await http.post("/api/jobs/actions", json=body)).json()
            assert len(first["results"]) == 2 and first["more"] is True
            too_many = await http.post("/api/jobs/actions", json={"action": "cancel", "ids": ids})
            assert too_many.status_code == 422, too_many.text
            rest = [job_id for job_id in ids if job_id not in _outcomes(first)]
            last = await http.post("/api/jobs/actions", json={"action": "cancel", "ids": rest})
            assert _outcomes(last.json()) == dict.fromkeys(rest, "done")


@pytest.mark.parametrize(
    "body",
    [
        {"action": "cancel"},
        {"action": "cancel", "ids": ["job-1"], "filter": {}},
        {"action": "cancel", "ids": []},
        {"action": "cancel", "ids": [f"job-{i}" for i in range(1001)]},
        {"action": "delete", "ids": ["job-1"]},
        {"action": "cancel", "filter": {"tags": ["bad tag"]}},
        {"action": "cancel", "filter": {"created_after": 0.5}},
        {"action": "cancel", "filter": {"colour": "red"}},
    ],
)
async def test_bulk_requests_out_of_bounds_are_422_problems(api: Api, body: dict) -> None:
    async with api.client("fred") as http:
        response = await http.post("/api/jobs/actions", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_filter_on_a_type_no_job_has_matches_none(api: Api) -> None:
    async with api.client("jan") as http:
        body = {"action": "cancel", "filter": {"type": "nosuchtype"}}
        response = await http.post("/api/jobs/actions", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"action": "cancel", "results": [], "more": False}


async def test_bulk_actions_are_rate_limited_per_user(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    tight = settings.model_copy(update={"bulk_actions_per_minute_per_user": 2})
    async with api_stack(tight, temporal_client, redis, counting_registry()) as api:
        body = {"action": "cancel", "ids": [f"job-{uuid.uuid4()}"]}
        async with api.client("gus") as http, api.client("hal") as other:
            assert [
                (await http.post("/api/jobs/actions", json=body)).status_code for _ in "ab"
            ] == [
                200,
                200,
            ]
            refused = await http.post("/api/jobs/actions", json=body)
            assert refused.status_code == 429 and "Retry-After" in refused.headers
            assert (await other.post("/api/jobs/actions", json=body)).status_code == 200
            # A default-webhook change spends the same budget, and the refusal says so.
            change = await http.delete("/api/me/webhook")
            assert change.status_code == 429 and "Retry-After" in change.headers
            assert "default-webhook changes" in change.json()["detail"]


async def test_the_actions_resource_allows_only_post(api: Api) -> None:
    async with api.client("ida") as http:
        options = await http.options("/api/jobs/actions")
        assert options.status_code == 204 and options.headers["Allow"] == "OPTIONS, POST"
        for method in ("GET", "DELETE"):
            refused = await http.request(method, "/api/jobs/actions")
            assert refused.status_code == 405, refused.text
            assert refused.headers["Allow"] == "OPTIONS, POST"
