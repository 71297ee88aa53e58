"""GET /api/jobs/{id} and the list read each job's projection in Redis; Temporal answers only
for a projection that is missing, stale or unreadable, and what it says is written back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from temporalio.service import RPCError, RPCStatusCode

from activities.runtime.publisher import RedisEventPublisher
from bench.support.counting import processed_items
from jobwire import redis_keys as keys
from jobwire.contract.events import EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since
from tests.helpers import assert_eventually, refused_port
from tests.integration.engine.test_temporal_pause import temporal_cli
from tests.support.api_stack import Api
from tests.support.job_records import job_event, job_record

pytestmark = pytest.mark.integration

SLOW = {"type": "count", "items": 400, "item_seconds": 0.05}


async def publish_unknown_job(api: Api, user: str, *, at: datetime) -> str:
    """A job only Redis knows: its events and record, and nothing in Temporal."""
    job_id = f"job-{uuid.uuid4()}"
    base = job_record(job_id, user, created_at=at, updated_at=at)
    publisher = RedisEventPublisher(api.redis, api.settings)
    created = base.model_copy(update={"state": JobState.CREATED})
    created_event = job_event(job_id, user, EventType.CREATED, ts=at, spec={"type": "count"})
    await publisher.publish(created_event, created)
    await publisher.publish(job_event(job_id, user, EventType.STARTED, ts=at), base)
    await publisher.publish(job_event(job_id, user, EventType.PROGRESS, 45.0, ts=at, phase="count"))
    return job_id


async def test_a_fresh_projection_answers_without_asking_temporal(api: Api) -> None:
    job_id = await publish_unknown_job(api, api.user("alice"), at=datetime.now(UTC))
    async with api.client() as http:
        response = await http.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200, "Temporal has never heard of this job"
        record = JobRecord.model_validate(response.json())
        assert record.seq == 3 and record.progress == 45.0 and record.phase == "count"
        assert record.spec == {"type": "count"} and record.phase_weights == [9.0, 1.0]
    async with api.client("bob") as http:
        assert (await http.get(f"/api/jobs/{job_id}")).status_code == 404, "not bob's job"


async def test_a_stale_running_projection_asks_temporal(api: Api) -> None:
    """Silent for longer than projection_fresh_seconds: Temporal decides, and it knows no
    such job."""
    long_ago = datetime.now(UTC) - timedelta(seconds=api.settings.projection_fresh_seconds + 60)
    job_id = await publish_unknown_job(api, api.user("alice"), at=long_ago)
    async with api.client() as http:
        assert (await http.get(f"/api/jobs/{job_id}")).status_code == 404


async def test_a_running_jobs_get_never_runs_ahead_of_its_feed(api: Api) -> None:
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.RUNNING)

        async def counting() -> JobRecord | None:
            record = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
            return record if record.progress > 5 else None

        record = await assert_eventually(counting, timeout=60)
        assert record is not None and record.seq is not None
        replay = await read_since(api.redis, job_id, 0)
        folded = [event for event in replay.events if event.seq <= record.seq]
        assert record.seq <= replay.last_seq
        assert record.progress == max(event.progress for event in folded)
        assert record.state is JobState.RUNNING and record.step == folded[-1].step
        listed = (await http.get("/api/jobs")).json()["items"]
        row = next(item for item in listed if item["job_id"] == job_id)
        assert row["progress"] >= record.progress, "the list shows the projection's progress"
        assert row["seq"] >= record.seq
        await http.post(f"/api/jobs/{job_id}/cancel")


async def test_a_missing_projection_is_rebuilt_from_temporal_and_written_back(api: Api) -> None:
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 3})).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        await api.redis.delete(keys.job_record(job_id))

        response = await http.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200
        record = JobRecord.model_validate(response.json())
        assert record.state is JobState.COMPLETED and record.seq is None
        assert record.result == {"total": 3, "after": ["count"]}
        stored = await api.redis.hgetall(keys.job_record(job_id))
        assert {"base", "state", "checked_at"} <= set(stored)
        again = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
        assert again.model_dump(exclude={"updated_at"}) == record.model_dump(exclude={"updated_at"})


async def test_a_malformed_projection_is_read_from_temporal_and_repaired(api: Api) -> None:
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        record_key = keys.job_record(job_id)

        await api.redis.hset(record_key, "state", '"bogus"')
        response = await http.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200 and response.json()["state"] == "completed"
        assert await api.redis.hget(record_key, "state") == '"completed"', "written back"

        await api.redis.hset(record_key, "checkpoint", '{"phase": 1}')
        assert (await http.get(f"/api/jobs/{job_id}")).json()["state"] == "completed"
        await api.redis.hset(record_key, "progress", "not json")
        assert (await http.get(f"/api/jobs/{job_id}")).json()["state"] == "completed"
        listed = (await http.get("/api/jobs")).json()["items"]
        assert [item["state"] for item in listed if item["job_id"] == job_id] == ["completed"]


async def test_reads_fall_back_to_temporal_while_redis_is_down(api: Api) -> None:
    user = api.user("alice")
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 3})).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
    with refused_port() as port:
        dead = Redis(port=port, socket_connect_timeout=0.5, socket_timeout=0.5)
        jobs = JobService(api.temporal, api.settings, api.registry, dead)
        try:
            record = await jobs.get(user, job_id)
            assert record.state is JobState.COMPLETED and record.result is not None
            page = await jobs.list(user)
            assert job_id in {item.job_id for item in page.items}
            # An idempotency key's tombstone cannot be read: Temporal's answer stands.
            key, spec = f"down-{uuid.uuid4()}", {"type": "count", "items": 1}
            started, created = await jobs.submit(user, spec, idempotency_key=key)
            assert created and started.state is JobState.CREATED
            again = await jobs.submitted(user, key)
            assert again is not None and again.job_id == started.job_id
        finally:
            await dead.aclose()


async def test_a_deleted_job_is_a_404_at_once(api: Api) -> None:
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert (await http.delete(f"/api/jobs/{job_id}")).status_code == 204
        assert (await http.get(f"/api/jobs/{job_id}")).status_code == 404
        assert await api.redis.exists(keys.job_tombstone(job_id)) == 1


async def test_temporals_own_pause_reads_as_paused_from_the_projection_and_resumes(
    api: Api,
) -> None:
    """The paused activity says so on the feed (``paused_by: temporal``), so the read needs
    no Temporal description to show it; jobwire's resume lifts the pause."""
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]

        async def counting() -> bool:
            return len(await processed_items(api.redis, job_id)) >= 10

        await assert_eventually(counting, timeout=60, message="the job never got going")
        description = await api.temporal.get_workflow_handle(job_id).describe()
        activity_id = description.raw_description.pending_activities[0].activity_id
        await temporal_cli(
            api, "activity", "pause", "--workflow-id", job_id, "--activity-id", activity_id
        )

        paused = await api.wait_for_state(http, job_id, JobState.PAUSED)
        assert paused.paused_by == "temporal" and paused.seq is not None
        projected = await api.redis.hget(keys.job_record(job_id), "paused_by")
        assert projected == '"temporal"', "the projection itself says so"

        assert (await http.post(f"/api/jobs/{job_id}/resume")).status_code == 202
        running = await api.wait_for_state(http, job_id, JobState.RUNNING, JobState.COMPLETED)
        assert running.paused_by is None
        await http.post(f"/api/jobs/{job_id}/cancel")


async def test_an_event_after_an_ended_jobs_transition_sends_the_next_read_to_temporal(
    api: Api,
) -> None:
    """A phase attempt that outlived its job publishes once more: the read asks Temporal, and
    what it writes back settles the projection again."""
    user = api.user("alice")
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        late = job_event(job_id, user, EventType.PROGRESS, 50.0, phase="count")
        published = await RedisEventPublisher(api.redis, api.settings).publish(late)
        assert published is not None
        assert await api.redis.hget(keys.job_record(job_id), "state") == '"completed"'

        record = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
        assert record.state is JobState.COMPLETED and record.seq == published.seq
        stored = await api.redis.hmget(keys.job_record(job_id), ["seq", "base_seq", "checked_at"])
        assert stored[0] == stored[1] == str(published.seq) and stored[2], "settled again"


@pytest.mark.timeout(300)  # it waits for Temporal to delete the old run: 30-60 s here
async def test_a_job_submitted_again_under_a_deleted_jobs_idempotency_key_is_a_new_job(
    api: Api,
) -> None:
    """Temporal deletes a workflow seconds after the DELETE answers, and until then still
    describes it; a submission under the deleted job's key in that window starts a new run
    (201) rather than answering with the doomed one, which would 404 a moment later (a fuzzer
    found that: POST answered 200, the pause right after it 404)."""
    headers = {"Idempotency-Key": f"again-{uuid.uuid4()}"}
    async with api.client() as http:
        first = await http.post("/api/jobs", json={"type": "count", "items": 2}, headers=headers)
        job_id, first_run = first.json()["job_id"], first.json()["run_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert (await http.delete(f"/api/jobs/{job_id}")).status_code == 204

        again = await http.post("/api/jobs", json={"type": "count", "items": 2}, headers=headers)
        assert again.status_code == 201, again.text
        assert again.json()["job_id"] == job_id and again.json()["run_id"] != first_run
        assert await api.redis.exists(keys.job_tombstone(job_id)) == 0
        repeated = await http.post("/api/jobs", json={"type": "count", "items": 2}, headers=headers)
        assert repeated.status_code == 200 and repeated.json()["run_id"] == again.json()["run_id"]

        old_run = api.temporal.get_workflow_handle(job_id, run_id=first_run)

        async def old_run_gone() -> bool:
            try:
                await old_run.describe()
            except RPCError as exc:
                return exc.status is RPCStatusCode.NOT_FOUND
            return False

        await assert_eventually(old_run_gone, timeout=120, message="Temporal kept the old run")
        record = await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert record.run_id == again.json()["run_id"], "the new run outlived the old's deletion"
        assert (await http.get(f"/api/jobs/{job_id}/events")).status_code == 200
