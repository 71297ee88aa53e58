"""Webhooks end to end: a job's events reach a local receiver on a real port, signed, each
once by its delivery id, even while the receiver refuses connections for a while, and even
when the worker is killed between the event and its delivery."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from temporalio.client import Client, WorkflowExecutionStatus

from bench.support.counting import counting_registry
from bench.support.processes import jobwire_process
from jobwire.contract.events import EventType
from jobwire.contract.states import JobState
from jobwire.contract.webhooks import WEBHOOK_ACTIVITY
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.integration.engine.conftest import running_engine
from tests.integration.engine.test_replay import replayer
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration

USER = "hooked"


def quick_retries(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_timeout_seconds": 2.0,
            "webhook_maximum_attempts": 100,
            "webhook_retry_initial_interval_seconds": 0.2,
            "webhook_retry_maximum_interval_seconds": 0.5,
        }
    )


def count_spec(receiver: WebhookReceiver, events: str = "terminal") -> dict[str, Any]:
    return {"type": "count", "items": 3, "webhook": {"url": receiver.url, "events": events}}


async def failed_delivery_attempts(temporal: Client, job_id: str, at_least: int) -> bool:
    """Whether the job's webhook delivery is pending after ``at_least`` refused attempts."""
    description = await temporal.get_workflow_handle(job_id).describe()
    pending = description.raw_description.pending_activities
    return any(p.activity_type.name == WEBHOOK_ACTIVITY and p.attempt > at_least for p in pending)


def assert_once_each_and_signed(receiver: WebhookReceiver) -> None:
    assert receiver.received, "nothing was delivered"
    assert all(item.signed for item in receiver.received), "a signature did not verify"
    for delivery_id, items in receiver.by_id().items():
        assert len({item.body for item in items}) == 1, f"{delivery_id} came with two bodies"
        assert all(item.event_header == items[0].event["type"] for item in items)


async def test_state_changes_arrive_signed_once_each_after_the_receiver_comes_back(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    settings = quick_retries(settings)
    receiver = WebhookReceiver(settings, USER)
    async with running_engine(settings, temporal_client, redis, counting_registry()) as engine:
        record, _ = await engine.jobs.submit(USER, count_spec(receiver, "state_changes"))

        async def ended_and_refused() -> bool:
            ended = (await engine.jobs.get(USER, record.job_id)).state is JobState.COMPLETED
            return ended and await failed_delivery_attempts(temporal_client, record.job_id, 3)

        await assert_eventually(ended_and_refused, timeout=60, message="no refused deliveries")
        await receiver.up()
        try:
            handle = temporal_client.get_workflow_handle(record.job_id)
            await handle.result()
        finally:
            await receiver.down()
        final = await engine.jobs.get(USER, record.job_id)
        history = await handle.fetch_history()
    replayed = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None, "the deliveries replay as they ran"

    assert_once_each_and_signed(receiver)
    # Deliveries run side by side, so they may arrive in any order: ``seq`` orders them.
    assert sorted(receiver.event_types()) == ["job.completed", "job.created", "job.started"]
    completed = receiver.by_id()[final.webhook.delivery_id if final.webhook else ""][0].event
    assert completed["job_id"] == record.job_id and completed["state"] == "completed"
    assert completed["seq"] >= 3 and completed["user_id"] == USER
    assert final.webhook is not None and final.webhook.delivered
    assert final.webhook.event == "job.completed" and final.webhook.last_status == 204
    assert final.webhook.attempts >= 2, "the receiver refused the first attempt"
    logged = [e for e in engine.events_of(record.job_id) if "webhook" in e.data]
    assert logged and logged[-1].type is EventType.LOG and logged[-1].state is JobState.COMPLETED


async def test_a_receiver_that_refuses_for_good_leaves_the_job_completed_with_the_failure(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    settings = quick_retries(settings).model_copy(update={"webhook_maximum_attempts": 2})
    receiver = WebhookReceiver(settings, USER, status=503)
    await receiver.up()
    try:
        async with running_engine(settings, temporal_client, redis, counting_registry()) as engine:
            record, _ = await engine.jobs.submit(USER, count_spec(receiver))
            await temporal_client.get_workflow_handle(record.job_id).result()
            final = await engine.jobs.get(USER, record.job_id)
    finally:
        await receiver.down()
    assert final.state is JobState.COMPLETED
    assert final.webhook is not None and not final.webhook.delivered
    assert final.webhook.attempts == 2 and final.webhook.last_status == 503
    assert len(receiver.received) == 2 and len(receiver.by_id()) == 1


async def test_a_private_address_is_refused_when_not_allowed_and_never_retried(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    settings = quick_retries(settings).model_copy(update={"allow_private_sources": False})
    receiver = WebhookReceiver(settings, USER)
    await receiver.up()
    try:
        async with running_engine(settings, temporal_client, redis, counting_registry()) as engine:
            record, _ = await engine.jobs.submit(USER, count_spec(receiver))
            await temporal_client.get_workflow_handle(record.job_id).result()
            final = await engine.jobs.get(USER, record.job_id)
    finally:
        await receiver.down()
    assert receiver.received == []
    assert final.webhook is not None and not final.webhook.delivered
    assert final.webhook.attempts == 1 and final.webhook.last_status is None
    assert "not a public address" in (final.webhook.error or "")


async def test_kill_9_of_the_worker_between_the_event_and_its_delivery_still_delivers(
    settings: Settings, temporal_client: Client, redis: Redis, tmp_path: Path
) -> None:
    settings = quick_retries(settings)
    receiver = WebhookReceiver(settings, USER)
    plugin = ["bench.support.counting_plugin"]
    jobs = JobService(temporal_client, settings, counting_registry())
    first = jobwire_process("worker", settings, tmp_path / "first", job_type_modules=plugin)
    second = jobwire_process("worker", settings, tmp_path / "second", job_type_modules=plugin)
    await first.start()
    try:
        record, _ = await jobs.submit(USER, count_spec(receiver))

        async def ended_and_refused() -> bool:
            ended = (await jobs.get(USER, record.job_id)).state is JobState.COMPLETED
            return ended and await failed_delivery_attempts(temporal_client, record.job_id, 2)

        await assert_eventually(ended_and_refused, timeout=60, message=first.log_tail())
        first.signal_group(signal.SIGKILL)
        assert first.process is not None
        await first.process.wait()
        await receiver.up()
        await second.start()
        handle = temporal_client.get_workflow_handle(record.job_id)

        async def closed() -> bool:
            status = (await handle.describe()).status
            return status is WorkflowExecutionStatus.COMPLETED

        await assert_eventually(closed, timeout=60, message=second.log_tail())
    finally:
        await receiver.down()
        await first.stop(grace=1)
        await second.stop(grace=5)

    assert_once_each_and_signed(receiver)
    assert receiver.event_types() == ["job.completed"]
    final = await jobs.get(USER, record.job_id)
    assert final.webhook is not None and final.webhook.delivered


async def test_a_users_default_webhook_serves_a_spec_that_names_none(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    receiver = WebhookReceiver(settings, USER)
    settings = quick_retries(settings).model_copy(update={"webhook_defaults": {USER: receiver.url}})
    await receiver.up()
    try:
        async with running_engine(settings, temporal_client, redis, counting_registry()) as engine:
            mine, _ = await engine.jobs.submit(USER, {"type": "count", "items": 2})
            theirs, _ = await engine.jobs.submit("someone-else", {"type": "count", "items": 2})
            for job in (mine, theirs):
                await temporal_client.get_workflow_handle(job.job_id).result()
    finally:
        await receiver.down()
    assert_once_each_and_signed(receiver)
    assert [item.event["job_id"] for item in receiver.received] == [mine.job_id]
    assert receiver.event_types() == ["job.completed"]
