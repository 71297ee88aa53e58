"""DELETE /api/jobs/{id} and `jobwire rm`: a deleted job is gone from Temporal, Redis, the list
and the counts; a running one needs force; another user's job is a 404."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from temporalio.service import RPCError, RPCStatusCode
from typer.testing import CliRunner

from jobwire import redis_keys as keys
from jobwire.cli.main import app
from jobwire.contract.states import JobState
from tests.helpers import assert_eventually
from tests.support.api_stack import Api

pytestmark = pytest.mark.integration

SLOW = {"type": "count", "items": 400, "item_seconds": 0.05}


async def gone_from_temporal(api: Api, job_id: str) -> bool:
    try:
        await api.temporal.get_workflow_handle(job_id).describe()
    except RPCError as exc:
        return exc.status is RPCStatusCode.NOT_FOUND
    return False


async def job_entries_in_feed(api: Api, job_id: str) -> int:
    entries = await api.redis.xrange(keys.FEED)
    return sum(
        1
        for _, fields in entries
        if fields.get(keys.JOB_FIELD.encode(), fields.get(keys.JOB_FIELD))
        in {job_id, job_id.encode()}
    )


async def assert_gone_everywhere(api: Api, http: httpx.AsyncClient, *job_ids: str) -> None:
    """Redis at once; Temporal, reads, the list and the counts once Temporal has caught up
    (the dev server removes a deleted run about half a minute later)."""
    for job_id in job_ids:
        assert not await api.redis.exists(keys.job_events(job_id), keys.job_seq(job_id))
        assert await job_entries_in_feed(api, job_id) == 0

    async def caught_up() -> bool:
        listed = (await http.get("/api/jobs")).json()["items"]
        stats = (await http.get("/api/jobs/stats")).json()
        for job_id in job_ids:
            if not await gone_from_temporal(api, job_id):
                return False
            if (await http.get(f"/api/jobs/{job_id}")).status_code != 404:
                return False
        listed_ids = {item["job_id"] for item in listed}
        return not listed_ids & set(job_ids) and stats["total"] == len(listed)

    await assert_eventually(caught_up, timeout=120, interval=1)


async def test_ended_jobs_deleted_over_http_and_by_rm_are_gone_everywhere(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr("jobwire.client.config.DEFAULT_CONFIG_FILE", tmp_path / "none.toml")
    async with api.client() as http:
        by_cli = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()["job_id"]
        kept = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()["job_id"]
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()["job_id"]
        await api.wait_for_state(http, kept, JobState.COMPLETED)
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert await api.redis.exists(keys.job_events(job_id), keys.job_seq(job_id)) == 2
        assert await job_entries_in_feed(api, job_id) > 0

        await api.wait_for_state(http, by_cli, JobState.COMPLETED)

        deleted = await http.delete(f"/api/jobs/{job_id}")
        assert deleted.status_code == 204, deleted.text
        argv = ["rm", by_cli, "--url", api.base_url, "--token", api.token("alice")]
        removed = await asyncio.to_thread(CliRunner().invoke, app, argv)
        assert removed.exit_code == 0, removed.output
        assert f"deleted: {by_cli}" in removed.output
        await assert_gone_everywhere(api, http, job_id, by_cli)
        assert (await http.get(f"/api/jobs/{kept}")).status_code == 200
        assert await job_entries_in_feed(api, kept) > 0


async def test_another_users_delete_is_a_404_and_deletes_nothing(api: Api) -> None:
    async with api.client() as http, api.client("mallory") as other:
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        refused = await other.delete(f"/api/jobs/{job_id}", params={"force": "true"})
        assert refused.status_code == 404, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert (await http.get(f"/api/jobs/{job_id}")).status_code == 200
        assert await api.redis.exists(keys.job_events(job_id)) == 1


async def test_a_running_job_is_refused_without_force_and_deleted_with_it(api: Api) -> None:
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.RUNNING)

        refused = await http.delete(f"/api/jobs/{job_id}")
        assert refused.status_code == 409, refused.text
        assert refused.json()["state"] == "running"
        assert (await http.get(f"/api/jobs/{job_id}")).json()["state"] == "running"

        forced = await http.delete(f"/api/jobs/{job_id}", params={"force": "true"})
        assert forced.status_code == 204, forced.text
        await assert_gone_everywhere(api, http, job_id)
