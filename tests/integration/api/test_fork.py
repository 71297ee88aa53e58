"""POST /api/jobs/{id}/fork over a real port: a new job that skips the source's finished phases,
whose ``forked_from`` every read path keeps, refused with a problem for every way it cannot be."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from api.app import create_app
from bench.support.counting import counting_registry, processed_items
from jobwire import redis_keys as keys
from jobwire.cli.devstack.ports import free_port
from jobwire.connections.services import Services
from jobwire.contract.records import ForkOrigin, JobRecord
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.support.api_stack import Api
from tests.support.serving import serving

pytestmark = pytest.mark.integration

SLOW = {"type": "count", "items": 400, "item_seconds": 0.05}


async def test_a_fork_skips_the_finished_phases_and_every_read_names_its_source(
    api: Api,
) -> None:
    async with api.client() as http:
        source = (await http.post("/api/jobs", json={"type": "count", "items": 3})).json()
        await api.wait_for_state(http, source["job_id"], JobState.COMPLETED)

        answer = await http.post(
            f"/api/jobs/{source['job_id']}/fork", json={"from_phase": "summarize"}
        )
        assert answer.status_code == 201, answer.text
        fork = JobRecord.model_validate(answer.json())
        origin = ForkOrigin(job_id=source["job_id"], phase="summarize")
        assert fork.forked_from == origin and fork.job_id != source["job_id"]
        assert answer.headers["location"] == f"/api/jobs/{fork.job_id}"
        done = await api.wait_for_state(http, fork.job_id, JobState.COMPLETED)
        assert done.result == {"total": 3, "after": ["count"]}
        assert await processed_items(api.redis, fork.job_id) == [], "count never ran again"

        assert await api.redis.hexists(keys.job_record(fork.job_id), "base")
        projected = JobRecord.model_validate((await http.get(f"/api/jobs/{fork.job_id}")).json())
        assert projected.forked_from == origin and projected.seq is not None
        await api.redis.delete(keys.job_record(fork.job_id))
        rebuilt = JobRecord.model_validate((await http.get(f"/api/jobs/{fork.job_id}")).json())
        assert rebuilt.forked_from == origin, "read from Temporal"
        assert (await api.jobs.get(api.user("alice"), fork.job_id)).forked_from == origin
        rows = (await http.get("/api/jobs")).json()["items"]
        row = next(item for item in rows if item["job_id"] == fork.job_id)
        assert row["forked_from"] == origin.model_dump()
        plain = next(item for item in rows if item["job_id"] == source["job_id"])
        assert plain["forked_from"] is None


async def test_a_failed_job_forks_from_its_checkpoint_with_an_amended_spec(api: Api) -> None:
    async with api.client() as http:
        spec = {"type": "count", "items": 6, "fail_at": 3, "force": True}
        source = (await http.post("/api/jobs", json=spec)).json()
        failed = await api.wait_for_state(http, source["job_id"], JobState.FAILED)
        assert failed.checkpoint is not None

        no_fix = await http.post(
            f"/api/jobs/{source['job_id']}/fork",
            json={"from_phase": "summarize", "from_checkpoint": True},
        )
        assert no_fix.status_code == 422 and no_fix.json()["errors"][0]["field"] == "from_phase"
        answer = await http.post(
            f"/api/jobs/{source['job_id']}/fork",
            json={"from_phase": "count", "from_checkpoint": True, "spec": {"fail_at": None}},
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["spec"]["fail_at"] is None, "null removes a field (RFC 7396)"
        done = await api.wait_for_state(http, answer.json()["job_id"], JobState.COMPLETED)
        assert done.result == {"total": 6, "after": ["count"]}
        assert await processed_items(api.redis, done.job_id) == [3, 4, 5]


async def test_a_fork_is_refused_with_a_problem_for_each_reason(api: Api) -> None:
    async with api.client() as http, api.client("bob") as bob:
        done = (await http.post("/api/jobs", json={"type": "count", "items": 1})).json()
        await api.wait_for_state(http, done["job_id"], JobState.COMPLETED)
        running = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]
        await api.wait_for_state(http, running, JobState.RUNNING)
        refused = await http.post(f"/api/jobs/{running}/fork", json={"from_phase": "count"})
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["state"] == "running"
        await http.post(f"/api/jobs/{running}/cancel")
        await api.wait_for_state(http, running, JobState.CANCELLED)

        other = await bob.post(f"/api/jobs/{running}/fork", json={"from_phase": "count"})
        assert other.status_code == 404, "another user's job is a job that does not exist"
        missing = await http.post(
            "/api/jobs/job-00000000-0000-4000-8000-000000000000/fork", json={"from_phase": "count"}
        )
        assert missing.status_code == 404
        refusals = [
            ("from_phase", {"from_phase": "nowhere"}),
            ("from_phase", {"from_phase": "summarize"}),  # count did not finish
            ("spec.items", {"from_phase": "count", "spec": {"items": 0}}),
            ("spec.type", {"from_phase": "count", "spec": {"type": "research"}}),
            ("colour", {"from_phase": "count", "colour": "red"}),
        ]
        for field, body in refusals:
            answer = await http.post(f"/api/jobs/{running}/fork", json=body)
            assert answer.status_code == 422, (body, answer.text)
            assert answer.json()["errors"][0]["field"] == field, answer.json()
        no_checkpoint = await http.post(
            f"/api/jobs/{done['job_id']}/fork",
            json={"from_phase": "summarize", "from_checkpoint": True},
        )
        assert no_checkpoint.status_code == 422
        assert no_checkpoint.json()["type"].endswith("/fork-refused")
        assert no_checkpoint.json()["errors"][0]["field"] == "from_checkpoint"
        checkpointed = await http.post(
            f"/api/jobs/{running}/fork", json={"from_phase": "count", "from_checkpoint": True}
        )
        assert checkpointed.status_code == 201, "the cancel handed back a checkpoint"


@asynccontextmanager
async def limited_to_two(api: Api, settings: Settings) -> AsyncIterator[None]:
    """``api`` served again, at two jobs a minute per user, while in the block."""
    tight = settings.model_copy(update={"jobs_per_minute_per_user": 2})
    services = Services(settings=tight, temporal=api.temporal, redis=api.redis)
    app = create_app(tight, services=services, registry=counting_registry())
    async with serving(app, free_port()) as base_url:
        api.base_url = base_url
        yield


async def test_forks_count_against_the_submit_rate_limit_once_they_can_start(
    api: Api, settings: Settings
) -> None:
    async with limited_to_two(api, settings), api.client("ivy") as ivy:
        source = (await ivy.post("/api/jobs", json={"type": "count", "items": 1})).json()
        await api.wait_for_state(ivy, source["job_id"], JobState.COMPLETED)
        url = f"/api/jobs/{source['job_id']}/fork"
        for _ in range(3):  # refused forks spend nothing
            assert (await ivy.post(url, json={"from_phase": "nowhere"})).status_code == 422
        answers = [
            (await ivy.post(url, json={"from_phase": "summarize"})).status_code for _ in range(2)
        ]
        assert answers == [201, 429]
        limited = await ivy.post(url, json={"from_phase": "summarize"})
        assert limited.json()["type"].endswith("/rate-limited")
        assert 1 <= int(limited.headers["retry-after"]) <= 60
