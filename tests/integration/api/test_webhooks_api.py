"""Webhooks through the API: each user's signing key, a bad webhook refused before any job
starts, and the last delivery on the job's record whether Redis or Temporal answers."""

from __future__ import annotations

import pytest

from jobwire import redis_keys as keys
from jobwire.contract.records import JobRecord
from jobwire.webhook_signing import master_key, user_key
from tests.helpers import assert_eventually
from tests.support.api_stack import Api
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration


async def test_each_user_reads_their_own_signing_key(api: Api) -> None:
    master = master_key(api.settings)
    assert master is not None
    async with api.client("alice") as alice, api.client("bob") as bob:
        mine = (await alice.get("/api/me/webhook-secret")).json()
        theirs = (await bob.get("/api/me/webhook-secret")).json()
    assert mine["user_id"] == api.user("alice")
    assert mine["secret"] == user_key(master, api.user("alice"))
    assert theirs["secret"] == user_key(master, api.user("bob")) != mine["secret"]
    assert mine["signature_header"] == "Jobwire-Signature"
    async with api.client(None) as anonymous:
        assert (await anonymous.get("/api/me/webhook-secret")).status_code == 401


@pytest.mark.parametrize(
    ("webhook", "field"),
    [
        ({"url": "not a url"}, "webhook.url"),
        ({"url": "ftp://example.com/hook"}, "webhook.url"),
        ({"url": "https://example.com/\x00hook"}, "webhook.url"),
        ({"url": "https://" + "a" * 2100 + ".com/"}, "webhook.url"),
        ({"url": "https://example.com/hook", "events": "sometimes"}, "webhook.events"),
        ({"url": "https://example.com/hook", "secret": "x"}, "webhook.secret"),
        ("https://example.com/hook", "webhook"),
    ],
)
async def test_a_bad_webhook_is_a_422_naming_its_field_and_starts_no_job(
    api: Api, webhook: object, field: str
) -> None:
    async with api.client() as http:
        response = await http.post(
            "/api/jobs", json={"type": "count", "items": 1, "webhook": webhook}
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert any(e["field"].endswith(field) for e in response.json()["errors"]), response.text
        assert (await http.get("/api/jobs/stats")).json()["total"] == 0


async def test_the_record_shows_the_last_delivery_from_redis_and_from_temporal(api: Api) -> None:
    receiver = WebhookReceiver(api.settings, api.user("alice"))
    await receiver.up()
    try:
        async with api.client() as http:
            spec = {"type": "count", "items": 2, "webhook": {"url": receiver.url}}
            submitted = (await http.post("/api/jobs", json=spec)).json()
            job_id = submitted["job_id"]
            assert submitted["spec"]["webhook"] == {"url": receiver.url, "events": "terminal"}

            async def delivered() -> JobRecord | None:
                record = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
                return record if record.webhook is not None else None

            projected = await assert_eventually(delivered, timeout=60)
            assert projected is not None and projected.webhook is not None
            base = str(await api.redis.hget(keys.job_record(job_id), "base"))
            assert '"webhook":{"delivery_id"' in base and '"delivered":true' in base
            await api.redis.delete(keys.job_record(job_id))
            rebuilt = JobRecord.model_validate((await http.get(f"/api/jobs/{job_id}")).json())
    finally:
        await receiver.down()
    assert projected.webhook.delivered and projected.webhook.last_status == 204
    assert projected.state.value == "completed" and projected.webhook.event == "job.completed"
    assert rebuilt.webhook == projected.webhook, "Temporal's record says the same"
    assert [item.event["type"] for item in receiver.received] == ["job.completed"]
    assert receiver.received[0].signed
