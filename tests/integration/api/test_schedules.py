"""/api/schedules over a real port, Temporal and Redis, with a real worker: each run is a
normal job of the schedule's owner, the schedule shows (and toggles) in Temporal's own CLI,
and what a schedule may be is checked before Temporal hears of it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry
from jobwire.cli.devstack.binaries import temporal_binary
from jobwire.contract.priority import fairness_key
from jobwire.contract.records import JobPage, JobRecord
from jobwire.contract.schedules import ScheduleRecord
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.api_stack import Api, api_stack

pytestmark = pytest.mark.integration

QUICK = {"type": "count", "items": 3}
SLOW = {"type": "count", "items": 400, "item_seconds": 0.05}
HOURLY = {"interval_seconds": 3600}


@pytest_asyncio.fixture
async def capped(settings: Settings, temporal_client: Client, redis: Redis) -> AsyncIterator[Api]:
    """The API with a cap of two schedules per user."""
    small = settings.model_copy(update={"schedules_per_user": 2})
    async with api_stack(small, temporal_client, redis, counting_registry()) as running:
        yield running


@pytest_asyncio.fixture
async def limited(settings: Settings, temporal_client: Client, redis: Redis) -> AsyncIterator[Api]:
    """The API with a budget of two new jobs or schedules a minute per user."""
    small = settings.model_copy(update={"jobs_per_minute_per_user": 2})
    async with api_stack(small, temporal_client, redis, counting_registry()) as running:
        yield running


async def create(http: httpx.AsyncClient, spec: dict[str, Any], **fields: Any) -> ScheduleRecord:
    response = await http.post("/api/schedules", json={"spec": spec, **HOURLY, **fields})
    assert response.status_code == 201, response.text
    record = ScheduleRecord.model_validate(response.json())
    assert response.headers["location"] == f"/api/schedules/{record.schedule_id}"
    return record


async def triggered_job(http: httpx.AsyncClient, schedule_id: str) -> str:
    """Starts a run now and returns its job id, from the schedule's recent runs."""
    response = await http.post(f"/api/schedules/{schedule_id}/trigger")
    assert response.status_code == 202, response.text

    async def started() -> str | None:
        record = ScheduleRecord.model_validate(
            (await http.get(f"/api/schedules/{schedule_id}")).json()
        )
        return record.recent_runs[-1].job_id if record.recent_runs else None

    return await assert_eventually(started, message="the trigger started no job")


async def temporal_cli(api: Api, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        str(temporal_binary()),
        "schedule",
        *args,
        "--address",
        api.settings.temporal_address,
        "--namespace",
        api.settings.temporal_namespace,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    output, errors = await process.communicate()
    assert process.returncode == 0, errors.decode()
    return output.decode()


async def test_a_triggered_run_is_a_normal_job_of_the_owner_that_names_its_schedule(
    api: Api,
) -> None:
    async with api.client() as http:
        schedule = await create(http, QUICK, note="nightly count")
        assert schedule.user_id == api.user("alice") and schedule.type == "count"
        assert schedule.interval_seconds == 3600 and schedule.note == "nightly count"
        assert len(schedule.next_runs) > 0 and not schedule.paused

        job_id = await triggered_job(http, schedule.schedule_id)
        assert job_id.startswith(schedule.schedule_id) is False and job_id.startswith("job-")
        done = await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert done.user_id == api.user("alice") and done.schedule_id == schedule.schedule_id
        assert done.result == {"total": 3, "after": ["count"]}
        events = (await http.get(f"/api/jobs/{job_id}/events")).json()["events"]
        assert events[0]["type"] == "job.created" and events[-1]["type"] == "job.completed"
        assert {event["job_id"] for event in events} == {job_id}

        async def listed() -> bool:
            page = JobPage.model_validate((await http.get("/api/jobs")).json())
            return any(
                item.job_id == job_id and item.schedule_id == schedule.schedule_id
                for item in page.items
            )

        await assert_eventually(listed, message="the scheduled job never showed in the list")
        # Read from Temporal itself (a job service without Redis), not the projection.
        from_temporal = await api.jobs.get(api.user("alice"), job_id)
        assert from_temporal.schedule_id == schedule.schedule_id
        assert from_temporal.state is JobState.COMPLETED
        shown = ScheduleRecord.model_validate(
            (await http.get(f"/api/schedules/{schedule.schedule_id}")).json()
        )
        assert [run.job_id for run in shown.recent_runs] == [job_id] and shown.runs == 1
        assert (await http.delete(f"/api/schedules/{schedule.schedule_id}")).status_code == 204
        # The run outlives its schedule, as the user's job.
        assert (await http.get(f"/api/jobs/{job_id}")).status_code == 200


async def test_a_scheduled_jobs_id_pauses_and_cancels_like_any_job(api: Api) -> None:
    async with api.client() as http:
        schedule = await create(http, SLOW)
        job_id = await triggered_job(http, schedule.schedule_id)
        await api.wait_for_state(http, job_id, JobState.RUNNING)
        assert (await http.post(f"/api/jobs/{job_id}/pause")).status_code == 202
        paused = await api.wait_for_state(http, job_id, JobState.PAUSED)
        assert paused.schedule_id == schedule.schedule_id and paused.checkpoint is not None
        assert (await http.post(f"/api/jobs/{job_id}/cancel")).status_code == 202
        await api.wait_for_state(http, job_id, JobState.CANCELLED)
        await http.delete(f"/api/schedules/{schedule.schedule_id}")


async def test_a_failed_scheduled_job_resumes_under_its_own_id(api: Api) -> None:
    async with api.client() as http:
        schedule = await create(http, {"type": "count", "items": 6, "fail_at": 3, "force": True})
        job_id = await triggered_job(http, schedule.schedule_id)
        failed = await api.wait_for_state(http, job_id, JobState.FAILED)
        assert failed.checkpoint is not None
        resumed = await http.post(f"/api/jobs/{job_id}/resume")
        assert resumed.status_code == 202, resumed.text
        assert resumed.json()["job_id"] == job_id

        async def failed_again() -> bool:
            description = await api.temporal.get_workflow_handle(job_id).describe()
            return description.run_id != failed.run_id and description.close_time is not None

        await assert_eventually(failed_again, message="the resumed run never ran")
        record = await api.wait_for_state(http, job_id, JobState.FAILED)
        assert record.schedule_id == schedule.schedule_id
        await http.delete(f"/api/schedules/{schedule.schedule_id}")


async def test_a_pause_shows_in_temporals_cli_and_its_toggle_shows_in_the_api(api: Api) -> None:
    async with api.client() as http:
        schedule = await create(http, QUICK)
        sid = schedule.schedule_id
        paused = await http.post(f"/api/schedules/{sid}/pause", json={"reason": "holiday"})
        assert paused.status_code == 200, paused.text
        assert paused.json()["paused"] is True
        assert "holiday" in paused.json()["state_note"]

        described = json.loads(
            await temporal_cli(api, "describe", "--schedule-id", sid, "-o", "json")
        )
        assert described["schedule"]["state"]["paused"] is True

        async def listed_paused() -> bool:
            rows = json.loads(await temporal_cli(api, "list", "-o", "json"))
            return any(row["scheduleId"] == sid and row["info"].get("paused") for row in rows)

        await assert_eventually(listed_paused, message="temporal schedule list never showed it")

        # A paused schedule starts nothing on its own, but "run now" still runs.
        job_id = await triggered_job(http, sid)
        await api.wait_for_state(http, job_id, JobState.COMPLETED)

        await temporal_cli(api, "toggle", "--schedule-id", sid, "--unpause", "--reason", "back")
        record = ScheduleRecord.model_validate((await http.get(f"/api/schedules/{sid}")).json())
        assert record.paused is False and record.state_note == "back"
        assert (await http.delete(f"/api/schedules/{sid}")).status_code == 204


async def test_another_users_schedule_is_a_404_everywhere(api: Api) -> None:
    async with api.client("alice") as alice, api.client("bob") as bob:
        sid = (await create(alice, QUICK)).schedule_id
        for method, path in [
            ("GET", f"/api/schedules/{sid}"),
            ("PATCH", f"/api/schedules/{sid}"),
            ("DELETE", f"/api/schedules/{sid}"),
            ("POST", f"/api/schedules/{sid}/pause"),
            ("POST", f"/api/schedules/{sid}/unpause"),
            ("POST", f"/api/schedules/{sid}/trigger"),
            ("GET", "/api/schedules/not-a-schedule"),
        ]:
            body = {"note": "mine now"} if method == "PATCH" else None
            response = await bob.request(method, path, json=body)
            assert response.status_code == 404, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        assert (await bob.get("/api/schedules")).json() == {"items": []}

        async def alice_lists_it() -> bool:
            items = (await alice.get("/api/schedules")).json()["items"]
            return [item["schedule_id"] for item in items] == [sid]

        await assert_eventually(alice_lists_it)
        record = ScheduleRecord.model_validate((await alice.get(f"/api/schedules/{sid}")).json())
        assert record.runs == 0 and record.note is None  # bob changed nothing
        await alice.delete(f"/api/schedules/{sid}")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spec": QUICK, "cron": "not a cron"}, "cron"),
        ({"spec": QUICK, "cron": "*/10 * * * * * *"}, "cron"),
        ({"spec": QUICK, "cron": "@every 10s"}, "cron"),
        ({"spec": QUICK, "interval_seconds": 30}, "interval_seconds"),
        ({"spec": QUICK, "interval_seconds": 60, "cron": "@daily"}, ""),
        ({"spec": QUICK}, ""),
        ({"spec": QUICK, "cron": "@daily", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"spec": {"type": "count", "items": "five"}, "interval_seconds": 60}, "spec"),
        ({"spec": {"type": "nope"}, "interval_seconds": 60}, "spec"),
        ({"spec": {**QUICK, "extra": 1}, "interval_seconds": 60}, "spec"),
    ],
)
async def test_a_refused_schedule_is_a_422_problem_and_leaves_nothing(
    api: Api, body: dict[str, Any], field: str
) -> None:
    async with api.client() as http:
        response = await http.post("/api/schedules", json=body)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert any(error["field"].startswith(field) for error in problem["errors"]), problem
        await asyncio.sleep(0.5)  # visibility trails a create by a moment
        assert (await http.get("/api/schedules")).json() == {"items": []}


async def test_a_change_replaces_the_timetable_and_keeps_the_rest(api: Api) -> None:
    async with api.client() as http:
        sid = (await create(http, QUICK, note="first")).schedule_id
        response = await http.patch(
            f"/api/schedules/{sid}",
            json={"cron": "30 9 * * *", "time_zone": "Europe/Paris", "overlap": "buffer_one"},
        )
        assert response.status_code == 200, response.text
        record = ScheduleRecord.model_validate(response.json())
        assert record.cron == "30 9 * * *" and record.interval_seconds is None
        assert record.overlap == "buffer_one" and record.note == "first"
        assert {(t.hour, t.minute) for t in record.next_runs} == {(8, 30)}  # Paris in winter
        assert record.spec["items"] == 3

        changed = await http.patch(f"/api/schedules/{sid}", json={"spec": {**QUICK, "items": 7}})
        assert changed.status_code == 200 and changed.json()["spec"]["items"] == 7
        assert changed.json()["cron"] == "30 9 * * *"
        refused = await http.patch(f"/api/schedules/{sid}", json={"interval_seconds": 5})
        assert refused.status_code == 422
        both = await http.patch(
            f"/api/schedules/{sid}", json={"interval_seconds": 60, "cron": "@daily"}
        )
        assert both.status_code == 422
        bad_spec = await http.patch(f"/api/schedules/{sid}", json={"spec": {"type": "count"}})
        assert bad_spec.status_code == 422 and bad_spec.json()["errors"][0]["field"].startswith(
            "spec"
        )
        job_id = await triggered_job(http, sid)
        done = await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert JobRecord.model_validate(done).result == {"total": 7, "after": ["count"]}
        await http.delete(f"/api/schedules/{sid}")


async def test_each_run_starts_with_the_specs_priority_and_its_owner_as_fairness_key(
    api: Api,
) -> None:
    """A scheduled run queues as a submitted job of its owner would, before and after the
    schedule's spec changes its priority (read from the run's own Temporal description)."""

    async def started_priority(http: httpx.AsyncClient, sid: str) -> tuple[int, str]:
        job_id = await triggered_job(http, sid)
        description = await api.temporal.get_workflow_handle(job_id).describe()
        priority = description.raw_description.workflow_execution_info.priority
        await api.wait_for_state(http, job_id, JobState.COMPLETED)
        return priority.priority_key, priority.fairness_key

    owner = fairness_key(api.user("alice"))
    async with api.client() as http:
        sid = (await create(http, {**QUICK, "priority": 4})).schedule_id
        assert await started_priority(http, sid) == (4, owner)
        changed = await http.patch(f"/api/schedules/{sid}", json={"spec": {**QUICK, "priority": 5}})
        assert changed.status_code == 200, changed.text
        assert await started_priority(http, sid) == (5, owner)
        await http.delete(f"/api/schedules/{sid}")


async def test_a_schedule_over_the_users_cap_is_a_422(capped: Api) -> None:
    async with capped.client() as http, capped.client("bob") as bob:
        first = await create(http, QUICK)
        second = await create(http, QUICK)

        async def both_listed() -> bool:
            return len((await http.get("/api/schedules")).json()["items"]) == 2

        await assert_eventually(both_listed)
        over = await http.post("/api/schedules", json={"spec": QUICK, **HOURLY})
        assert over.status_code == 422 and "at most 2 schedules" in over.json()["detail"]
        assert (await bob.post("/api/schedules", json={"spec": QUICK, **HOURLY})).status_code == 201
        for sid in (first.schedule_id, second.schedule_id):
            await http.delete(f"/api/schedules/{sid}")
        for item in (await bob.get("/api/schedules")).json()["items"]:
            await bob.delete(f"/api/schedules/{item['schedule_id']}")


async def test_creating_and_triggering_count_against_the_users_rate_limit(limited: Api) -> None:
    async with limited.client() as http:
        sid = (await create(http, QUICK)).schedule_id
        await triggered_job(http, sid)
        refused = await http.post(f"/api/schedules/{sid}/trigger")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.headers["content-type"] == "application/problem+json"
        again = await http.post("/api/schedules", json={"spec": QUICK, **HOURLY})
        assert again.status_code == 429
        assert (await http.delete(f"/api/schedules/{sid}")).status_code == 204
