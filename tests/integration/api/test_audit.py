"""Every control says who and why: in the job's events, its record, `jobwire show` and the
Update's argument in Temporal's history."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from typer.testing import CliRunner

from jobwire.cli.main import app
from jobwire.contract.events import EventType
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobAction, JobState
from jobwire.contract.workflow_api import ControlRequest
from tests.support.api_stack import Api

pytestmark = pytest.mark.integration

SLOW = {"type": "count", "items": 400, "item_seconds": 0.05}


def cli(api: Api, *args: str) -> Any:
    """A `jobwire` command against the running API, in a thread (it runs its own loop)."""
    argv = [*args, "--url", api.base_url, "--token", api.token("alice")]
    return CliRunner().invoke(app, argv)


async def update_arguments(api: Api, job_id: str) -> list[ControlRequest]:
    """The arguments of every Update Temporal accepted for the job, read from its history."""
    found = []
    handle = api.temporal.get_workflow_handle(job_id)
    async for event in handle.fetch_history_events():
        if not event.HasField("workflow_execution_update_accepted_event_attributes"):
            continue
        request = event.workflow_execution_update_accepted_event_attributes.accepted_request
        values = await api.temporal.data_converter.decode(
            request.input.args.payloads, [ControlRequest]
        )
        found.append(values[0])
    return found


async def test_each_control_records_who_and_why_everywhere(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr("jobwire.client.config.DEFAULT_CONFIG_FILE", tmp_path / "none.toml")
    alice = api.user("alice")
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.RUNNING)
        paused = await http.post(f"/api/jobs/{job_id}/pause", json={"reason": "disk full"})
        assert paused.status_code == 202, paused.text
        await api.wait_for_state(http, job_id, JobState.PAUSED)
        resumed = await http.post(f"/api/jobs/{job_id}/resume", json={"reason": "disk freed"})
        assert resumed.status_code == 202, resumed.text
        await api.wait_for_state(http, job_id, JobState.RUNNING)
        cancelled = await asyncio.to_thread(cli, api, "cancel", job_id, "--reason", "not needed")
        assert cancelled.exit_code == 0, cancelled.output
        record = await api.wait_for_state(http, job_id, JobState.CANCELLED)
        events = (await http.get(f"/api/jobs/{job_id}/events")).json()["events"]

    assert record.last_control is not None
    assert record.last_control.action is JobAction.CANCEL
    assert (record.last_control.by, record.last_control.reason) == (alice, "not needed")
    audit = {
        event["type"]: (event["data"].get("by"), event["data"].get("reason"))
        for event in events
        if event["type"] in {EventType.PAUSED, EventType.RESUMED, EventType.CANCELLED}
    }
    assert audit == {
        EventType.PAUSED: (alice, "disk full"),
        EventType.RESUMED: (alice, "disk freed"),
        EventType.CANCELLED: (alice, "not needed"),
    }
    history = [(request.by, request.reason) for request in await update_arguments(api, job_id)]
    assert history == [(alice, "disk full"), (alice, "disk freed"), (alice, "not needed")]
    shown = await asyncio.to_thread(cli, api, "show", job_id)
    assert shown.exit_code == 0, shown.output
    assert f"cancel by {alice}" in shown.output and "not needed" in shown.output


async def test_a_restart_records_who_restarted_it_and_why_on_the_new_job(api: Api) -> None:
    async with api.client() as http:
        first = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()
        await api.wait_for_state(http, first["job_id"], JobState.COMPLETED)
        again = await http.post(f"/api/jobs/{first['job_id']}/restart", json={"reason": "new data"})
        assert again.status_code == 202, again.text
        new_id = again.json()["job_id"]
        record = await api.wait_for_state(http, new_id, JobState.COMPLETED)
        events = (await http.get(f"/api/jobs/{new_id}/events")).json()["events"]

    assert record.restarted_from == first["job_id"] and record.last_control is not None
    assert record.last_control.action is JobAction.RESTART
    assert (record.last_control.by, record.last_control.reason) == (api.user("alice"), "new data")
    created = next(event for event in events if event["type"] == EventType.CREATED)
    assert created["data"]["by"] == api.user("alice")
    assert created["data"]["reason"] == "new data"


@pytest.mark.parametrize("reason", ["x" * 501, "ring\x07", "two\nlines"])
async def test_an_unprintable_or_overlong_reason_is_refused_and_changes_nothing(
    api: Api, reason: str
) -> None:
    async with api.client() as http:
        job_id = (await http.post("/api/jobs", json=SLOW)).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.RUNNING)
        refused = await http.post(f"/api/jobs/{job_id}/pause", json={"reason": reason})
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        record = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
        assert record.state is JobState.RUNNING and record.last_control is None
        await http.post(f"/api/jobs/{job_id}/cancel")
