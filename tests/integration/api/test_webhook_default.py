"""/api/me/webhook: a user sets their own default webhook, kept in Temporal by their
preferences workflow; jobs without a webhook of their own deliver to it, signed; clearing it
falls back to the operator's default. Real dev server, real worker, a real local receiver."""

from __future__ import annotations

import contextlib

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from jobwire.contract.preferences import preferences_workflow_id
from jobwire.contract.specs import WebhookSpec
from jobwire.errors import NoWorkerAnswered
from jobwire.jobs.preferences import UserPreferencesStore
from tests.helpers import assert_eventually
from tests.support.api_stack import Api
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration


async def test_a_users_default_webhook_is_kept_in_temporal_and_used_by_their_jobs(
    api: Api,
) -> None:
    receiver = WebhookReceiver(api.settings, api.user("alice"))
    await receiver.up()
    try:
        async with api.client("alice") as alice, api.client("bob") as bob:
            assert (await alice.get("/api/me/webhook")).json() == {"webhook": None, "source": None}
            put = await alice.put(
                "/api/me/webhook", json={"url": receiver.url, "events": "state_changes"}
            )
            assert put.status_code == 200, put.text
            expected = {"url": receiver.url, "events": "state_changes"}
            assert put.json() == {"webhook": expected, "source": "user"}
            assert (await alice.get("/api/me/webhook")).json()["webhook"] == expected
            assert (await bob.get("/api/me/webhook")).json()["webhook"] is None, "alice's only"

            job_id = (await alice.post("/api/jobs", json={"type": "count", "items": 2})).json()[
                "job_id"
            ]

            async def delivered_to_the_end() -> bool:
                return "job.completed" in receiver.event_types()

            await assert_eventually(delivered_to_the_end, timeout=60)
            mine = [r for r in receiver.received if r.event["job_id"] == job_id]
            assert all(r.signed for r in mine) and {r.event_header for r in mine} >= {
                "job.created",
                "job.started",
                "job.completed",
            }, "every state change, as the default asked"
    finally:
        await receiver.down()

    # Temporal holds it: the preferences workflow runs with the default in its memo.
    handle = api.temporal.get_workflow_handle(preferences_workflow_id(api.user("alice")))
    described = await handle.describe()
    assert described.status is WorkflowExecutionStatus.RUNNING
    assert (await described.memo_value("preferences"))["webhook"] == expected


async def test_clearing_it_falls_back_and_ends_the_preferences_workflow(api: Api) -> None:
    async with api.client("alice") as alice:
        assert (await alice.delete("/api/me/webhook")).status_code == 204, "none set: no error"
        url = "https://hooks.example.com/jobwire"
        assert (await alice.put("/api/me/webhook", json={"url": url})).status_code == 200
        assert (await alice.delete("/api/me/webhook")).status_code == 204
        assert (await alice.get("/api/me/webhook")).json() == {"webhook": None, "source": None}
        created = (await alice.post("/api/jobs", json={"type": "count", "items": 1})).json()
        assert created["spec"].get("webhook") is None
    handle = api.temporal.get_workflow_handle(preferences_workflow_id(api.user("alice")))

    async def ended() -> bool:
        return (await handle.describe()).status is WorkflowExecutionStatus.COMPLETED

    await assert_eventually(ended, timeout=30)


@pytest.mark.parametrize(
    "body",
    [
        {"url": "not a url"},
        {"url": "ftp://example.com/hook"},
        {"url": "https://example.com/hook", "events": "sometimes"},
        {"url": "https://example.com/hook", "secret": "x"},
        {},
    ],
)
async def test_a_bad_default_is_a_422_and_changes_nothing(api: Api, body: object) -> None:
    async with api.client("alice") as alice:
        response = await alice.put("/api/me/webhook", json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert (await alice.get("/api/me/webhook")).json()["webhook"] is None


async def test_without_a_worker_a_change_is_a_503_that_applies_once_one_polls(api: Api) -> None:
    unserved = UserPreferencesStore(api.temporal, f"{api.settings.task_queue}-nobody", 1.0)
    user = api.user("carol")
    with pytest.raises(NoWorkerAnswered):
        await unserved.set_webhook(user, WebhookSpec(url="https://hooks.example.com/c"))
    assert (await unserved.read(user)).webhook is None, "not applied yet"
    with contextlib.suppress(RPCError):  # started with the change, unless that never got there
        await api.temporal.get_workflow_handle(preferences_workflow_id(user)).terminate("over")
