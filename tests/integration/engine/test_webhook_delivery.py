"""The delivery activity on its own, against a receiver on a real port: what it sends, and
which failures are final at once and which are left to the retry policy."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.webhooks.delivery import WebhookSender
from jobwire.contract.webhooks import WebhookDelivery, WebhookOutcome
from jobwire.settings import Settings
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.integration

USER = "receiver-owner"
EVENT: dict[str, Any] = {"type": "job.completed", "job_id": "job-1", "seq": 9, "data": {}}


def delivery(url: str, timeout: float = 2.0) -> WebhookDelivery:
    return WebhookDelivery(
        delivery_id="run-1.0",
        url=url,
        job_id="job-1",
        user_id=USER,
        timeout_seconds=timeout,
        event=EVENT,
    )


async def deliver(settings: Settings, url: str, timeout: float = 2.0) -> WebhookOutcome:
    (activity,) = WebhookSender(settings).activities()
    outcome: WebhookOutcome = await ActivityEnvironment().run(activity, delivery(url, timeout))
    return outcome


async def refused(settings: Settings, url: str, timeout: float = 2.0) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        await deliver(settings, url, timeout)
    return caught.value


async def test_a_delivery_posts_the_event_signed_under_its_id(settings: Settings) -> None:
    receiver = WebhookReceiver(settings, USER)
    await receiver.up()
    try:
        outcome = await deliver(settings, receiver.url)
    finally:
        await receiver.down()
    assert outcome == WebhookOutcome(status=204, attempt=1)
    (received,) = receiver.received
    assert received.signed and received.delivery_id == "run-1.0"
    assert received.event == EVENT and received.event_header == "job.completed"


@pytest.mark.parametrize(
    ("status", "kind", "final"),
    [
        (302, "WebhookRedirect", True),
        (404, "WebhookRefused", True),
        (401, "WebhookRefused", True),
        (429, "WebhookFailed", False),
        (500, "WebhookFailed", False),
        (503, "WebhookFailed", False),
    ],
)
async def test_an_answer_other_than_2xx_fails_the_attempt(
    settings: Settings, status: int, kind: str, final: bool
) -> None:
    receiver = WebhookReceiver(settings, USER, status=status)
    await receiver.up()
    try:
        error = await refused(settings, receiver.url)
    finally:
        await receiver.down()
    assert error.type == kind and error.non_retryable is final
    assert error.details == ({"status": status},)
    assert len(receiver.received) == 1, "a redirect is not followed"


async def test_a_refused_connection_and_a_silent_receiver_are_retried(settings: Settings) -> None:
    down = WebhookReceiver(settings, USER)
    error = await refused(settings, down.url)
    assert error.type == "WebhookFailed" and not error.non_retryable
    assert "ConnectError" in error.message

    slow = WebhookReceiver(settings, USER, delay=2.0)
    await slow.up()
    try:
        error = await refused(settings, slow.url, timeout=0.3)
    finally:
        await slow.down()
    assert error.type == "WebhookFailed" and not error.non_retryable
    assert "Timeout" in error.message


async def test_a_private_address_is_final_unless_allowed(settings: Settings) -> None:
    guarded = settings.model_copy(update={"allow_private_sources": False})
    for url in ("http://127.0.0.1:9/hook", "http://10.0.0.1/hook", "http://localhost:9/hook"):
        error = await refused(guarded, url)
        assert error.type == "BlockedAddress" and error.non_retryable
        assert "not a public address" in error.message


async def test_without_a_key_to_sign_with_nothing_is_sent(settings: Settings) -> None:
    unsigned = settings.model_copy(
        update={"environment": "production", "jwt_secret": None, "webhook_secret": None}
    )
    receiver = WebhookReceiver(settings, USER)
    await receiver.up()
    try:
        error = await refused(unsigned, receiver.url)
    finally:
        await receiver.down()
    assert error.type == "NoWebhookKey" and error.non_retryable
    assert receiver.received == []
