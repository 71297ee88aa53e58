"""A job's priority over HTTP: outside 1..5 a 422 problem naming the field, more urgent than
the caller may ask clamped to what it may, and shown on every read path: the projection,
Temporal, and the list."""

from __future__ import annotations

import pytest

from jobwire import redis_keys as keys
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from tests.support.api_stack import Api

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("priority", "words"),
    [
        (0, "greater than or equal to 1"),
        (6, "less than or equal to 5"),
    ],
)
async def test_a_priority_out_of_bounds_is_a_422_problem(
    api: Api, priority: int, words: str
) -> None:
    async with api.client() as http:
        body = {"type": "count", "items": 1, "priority": priority}
        response = await http.post("/api/jobs", json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert [e["field"] for e in problem["errors"]] == ["priority"]
        assert words in problem["detail"]
        assert (await http.get("/api/jobs/stats")).json()["total"] == 0


async def test_the_priority_survives_every_read(api: Api) -> None:
    async with api.client() as http:
        body = {"type": "count", "items": 2, "priority": 4}
        created = await http.post("/api/jobs", json=body)
        assert created.status_code == 201 and created.json()["priority"] == 4
        job_id = created.json()["job_id"]
        projected = await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert projected.priority == 4
        await api.redis.delete(keys.job_record(job_id))
        from_temporal = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
        assert from_temporal.priority == 4 and from_temporal.seq is None
        listed = (await http.get("/api/jobs")).json()["items"]
        assert [(item["job_id"], item["priority"]) for item in listed] == [(job_id, 4)]


async def test_a_job_without_a_priority_gets_the_default(api: Api) -> None:
    async with api.client() as http:
        created = await http.post("/api/jobs", json={"type": "count", "items": 1})
        assert created.status_code == 201 and created.json()["priority"] == 3


async def test_a_priority_above_what_the_caller_may_ask_runs_at_the_most_it_may(
    api: Api,
) -> None:
    async with api.client() as http:
        body = {"type": "count", "items": 1, "priority": 1}
        created = await http.post("/api/jobs", json=body)
        assert created.status_code == 201, created.text
        record = created.json()
        assert record["priority"] == 2 and record["spec"]["priority"] == 2
        description = await api.temporal.get_workflow_handle(record["job_id"]).describe()
        assert description.raw_description.workflow_execution_info.priority.priority_key == 2
