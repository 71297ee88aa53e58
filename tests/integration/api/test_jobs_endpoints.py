"""Every /api/jobs endpoint over a real port, Temporal and Redis, with a real worker."""

from __future__ import annotations

import pytest

from jobwire.contract.events import EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobAction, JobState
from jobwire.contract.workflow_api import QUERY_PROGRESS
from tests.support.api_stack import Api

pytestmark = pytest.mark.integration

SLOW = {"type": "count", "items": 400, "item_seconds": 0.05}


async def test_a_job_submitted_over_http_runs_to_its_result(api: Api) -> None:
    async with api.client() as http:
        created = await http.post("/api/jobs", json={"type": "count", "items": 5})
        assert created.status_code == 201, created.text
        record = JobRecord.model_validate(created.json())
        assert record.user_id == api.user("alice") and record.type == "count"
        assert created.headers["location"] == f"/api/jobs/{record.job_id}"

        done = await api.wait_for_state(http, record.job_id, JobState.COMPLETED)
        assert done.result == {"total": 5, "after": ["count"]}
        assert done.progress == 100.0
        assert JobAction.RESTART in done.allowed_actions

        events = (await http.get(f"/api/jobs/{record.job_id}/events")).json()
        seqs = [event["seq"] for event in events["events"]]
        assert seqs == list(range(1, events["last_seq"] + 1))
        assert events["events"][-1]["type"] == EventType.COMPLETED
        later = (await http.get(f"/api/jobs/{record.job_id}/events", params={"since": 2})).json()
        assert [e["seq"] for e in later["events"]] == seqs[2:]


async def test_pause_resume_cancel_and_the_409_that_names_the_state(api: Api) -> None:
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.RUNNING)

        paused = await http.post(f"/api/jobs/{job_id}/pause")
        assert paused.status_code == 202, paused.text
        record = await api.wait_for_state(http, job_id, JobState.PAUSED)
        assert record.checkpoint is not None and record.allowed_actions == [
            JobAction.RESUME,
            JobAction.CANCEL,
        ]

        again = await http.post(f"/api/jobs/{job_id}/pause")
        assert again.status_code == 409
        problem = again.json()
        assert again.headers["content-type"] == "application/problem+json"
        assert problem["state"] == "paused" and "pause" in problem["detail"]

        resumed = await http.post(f"/api/jobs/{job_id}/resume")
        assert resumed.status_code == 202, resumed.text
        await api.wait_for_state(http, job_id, JobState.RUNNING)

        cancelled = await http.post(f"/api/jobs/{job_id}/cancel")
        assert cancelled.status_code == 202
        await api.wait_for_state(http, job_id, JobState.CANCELLED)
        refused = await http.post(f"/api/jobs/{job_id}/resume")
        assert refused.status_code == 409 and refused.json()["state"] == "cancelled"


async def test_restart_runs_the_original_or_an_amended_spec_as_a_new_job(api: Api) -> None:
    async with api.client() as http:
        first = (await http.post("/api/jobs", json={"type": "count", "items": 3})).json()
        await api.wait_for_state(http, first["job_id"], JobState.COMPLETED)

        same = await http.post(f"/api/jobs/{first['job_id']}/restart")
        assert same.status_code == 202, same.text
        assert same.json()["restarted_from"] == first["job_id"]
        assert same.json()["job_id"] != first["job_id"]
        assert same.json()["spec"]["items"] == 3

        amended = await http.post(
            f"/api/jobs/{first['job_id']}/restart",
            json={"spec": {"type": "count", "items": 4}},
        )
        assert amended.status_code == 202
        done = await api.wait_for_state(http, amended.json()["job_id"], JobState.COMPLETED)
        assert done.result == {"total": 4, "after": ["count"]}

        bad = await http.post(
            f"/api/jobs/{first['job_id']}/restart", json={"spec": {"type": "count", "items": 0}}
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "items"


async def test_an_idempotency_key_returns_the_same_job(api: Api) -> None:
    async with api.client() as http:
        headers = {"Idempotency-Key": "order-42"}
        first = await http.post("/api/jobs", json={"type": "count", "items": 2}, headers=headers)
        second = await http.post("/api/jobs", json={"type": "count", "items": 2}, headers=headers)
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json()["job_id"] == second.json()["job_id"]
        assert second.headers["idempotent-replayed"] == "true"
        other = await http.post("/api/jobs", json={"type": "count", "items": 2})
        assert other.json()["job_id"] != first.json()["job_id"]
    async with api.client("bob") as http:
        theirs = await http.post("/api/jobs", json={"type": "count", "items": 2}, headers=headers)
        assert theirs.json()["job_id"] != first.json()["job_id"], "keys are per user"


async def test_list_filters_pages_and_stats_count_only_the_callers_jobs(api: Api) -> None:
    async with api.client("carol") as http:
        ids = [
            (await http.post("/api/jobs", json={"type": "count", "items": 1})).json()["job_id"]
            for _ in range(5)
        ]
        for job_id in ids:
            await api.wait_for_state(http, job_id, JobState.COMPLETED)
        async with api.client("dave") as other:
            await other.post("/api/jobs", json={"type": "count", "items": 1})

        async def all_listed() -> bool:
            page = (await http.get("/api/jobs", params={"state": "completed"})).json()
            return len(page["items"]) == 5

        from tests.helpers import assert_eventually

        await assert_eventually(all_listed, timeout=30, message="visibility never caught up")
        seen: list[str] = []
        finished: list[str] = []
        cursor = None
        for _ in range(5):
            params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await http.get("/api/jobs", params=params)).json()
            assert len(page["items"]) <= 2
            seen += [item["job_id"] for item in page["items"]]
            finished += [item["finished_at"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(ids), "every job exactly once across pages"
        first = (await http.get("/api/jobs", params={"limit": 2})).json()["next_cursor"]
        for bad in (first[:-4], first[:10]):
            refused = await http.get("/api/jobs", params={"limit": 2, "cursor": bad})
            assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "cursor"
        async with api.client("dave") as other:
            theirs = await other.get("/api/jobs", params={"limit": 2, "cursor": first})
            assert theirs.status_code == 422, "a cursor pages its own user's list only"
        # Closed jobs list most recently closed first (the dev server's visibility order).
        assert finished == sorted(finished, reverse=True), "newest first"

        running = (await http.get("/api/jobs", params={"state": "running"})).json()
        assert running["items"] == []
        stats = (await http.get("/api/jobs/stats")).json()
        assert stats["total"] == 5 and stats["by_state"]["completed"] == 5
        assert stats["by_type"] == {"count": 5}


async def test_meta_job_types_schema_and_operations_endpoints(api: Api) -> None:
    async with api.client() as http:
        types = (await http.get("/api/job-types")).json()
        assert [t["type"] for t in types] == ["count"]
        assert types[0]["phases"] == ["count", "summarize"]
        assert types[0]["schema"]["properties"]["items"]["maximum"] == 100_000
        assert types[0]["example"] == {"type": "count", "items": 5}
        schema = (await http.get("/api/schema/job-spec")).json()
        assert schema["properties"]["type"]["const"] == "count"
        meta = (await http.get("/api/meta")).json()
        assert meta["socketio_namespace"] == "/jobs" and meta["temporal_namespace"] == "default"

        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
        assert ready.status_code == 200
        checks = ready.json()["checks"]
        assert (checks["temporal"], checks["redis"]) == ("ok", "ok")
        assert "workers" in checks

        counted = (await http.post("/api/jobs", json={"type": "count", "items": 1})).json()
        await api.wait_for_state(http, counted["job_id"], JobState.COMPLETED)
        metrics = (await http.get("/metrics")).text
        assert 'jobwire_jobs_submitted_total{type="count"} 1.0' in metrics
        assert 'jobwire_http_request_duration_seconds_count{method="POST",route="/api/jobs"' in (
            metrics
        )
        assert 'jobwire_jobs{state="running",type="count"}' in metrics
        published = next(
            line for line in metrics.splitlines() if line.startswith("jobwire_events_published ")
        )
        assert float(published.split()[1]) >= 1, "the worker's events are counted"


async def test_a_progress_read_can_leave_a_running_jobs_spec_behind(api: Api) -> None:
    """What a socket's subscribe reads: the record without the spec, so 500 subscribes to a
    job with a megabyte spec do not each carry it through Temporal. The query's default (what
    `temporal workflow query --type progress` answers) still holds the spec."""
    user = api.user("alice")
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.RUNNING)
        light = await api.jobs.get(user, job_id, include_spec=False)
        whole = await api.jobs.get(user, job_id)
        queried = await api.temporal.get_workflow_handle(job_id).query(
            QUERY_PROGRESS, result_type=JobRecord
        )
        await http.post(f"/api/jobs/{job_id}/cancel")
    assert light.spec == {} and light.state is JobState.RUNNING
    assert whole.spec["items"] == SLOW["items"] == queried.spec["items"]
