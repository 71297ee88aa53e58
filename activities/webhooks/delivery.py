"""POSTs one job event to its webhook, signed, through the public-address guard.

Idempotent by design rather than by luck: every attempt of one delivery sends the same body
under the same ``Jobwire-Delivery`` id, so a receiver that saw an attempt whose answer was lost
(a timeout, a worker killed mid-request) recognises the repeat. Each attempt signs anew with
the current time, so a receiver's freshness window holds for retries hours later.

A failure that will recur (a blocked or malformed address, a redirect, a 4xx that is not about
timing, no key to sign with) is final at once; anything else is left to the bounded retry
policy the workflow gives the activity.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.public_net import BlockedAddress, fetch_client
from jobwire.contract.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    WEBHOOK_ACTIVITY,
    WebhookDelivery,
    WebhookOutcome,
)
from jobwire.settings import Settings
from jobwire.webhook_signing import master_key, signature_header, user_key

RETRY_LATER = frozenset({408, 409, 425, 429})
"""Client errors that say "not now" rather than "never": retried like a server error."""


class WebhookSender:
    """Builds the delivery activity for one worker's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def activities(self) -> list[Callable[..., Any]]:
        sender = self

        @activity.defn(name=WEBHOOK_ACTIVITY)
        async def deliver_webhook(delivery: WebhookDelivery) -> WebhookOutcome:
            """One attempt at one delivery; what a retry runs again is said above."""
            status = await sender.post(delivery)
            return WebhookOutcome(status=status, attempt=activity.info().attempt)

        return [deliver_webhook]

    async def post(self, delivery: WebhookDelivery) -> int:
        """The receiver's 2xx status; raises ``ApplicationError`` for anything else."""
        master = master_key(self.settings)
        if master is None:
            raise _final("NoWebhookKey", "no JOBWIRE_WEBHOOK_SECRET to sign webhooks with")
        body = json.dumps(delivery.event, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "jobwire-webhooks/1",
            DELIVERY_HEADER: delivery.delivery_id,
            EVENT_HEADER: str(delivery.event.get("type", "")),
            SIGNATURE_HEADER: signature_header(
                user_key(master, delivery.user_id), int(time.time()), body
            ),
        }
        timeout = httpx.Timeout(delivery.timeout_seconds)
        try:
            async with (
                fetch_client(self.settings, follow_redirects=False, timeout=timeout) as http,
                http.stream("POST", delivery.url, content=body, headers=headers) as response,
            ):
                # The answer's body is never read: only its status counts.
                status = response.status_code
        except BlockedAddress as exc:
            raise _final("BlockedAddress", str(exc)) from None
        except httpx.InvalidURL as exc:
            raise _final("InvalidURL", str(exc)) from None
        except httpx.HTTPError as exc:
            raise _retry(f"{type(exc).__name__}: {exc or 'no answer'}", None) from None
        return _judged(status)


def _judged(status: int) -> int:
    if httpx.codes.is_success(status):
        return status
    if httpx.codes.is_redirect(status):
        raise _final("WebhookRedirect", f"HTTP {status}: redirects are refused", status)
    if httpx.codes.is_client_error(status) and status not in RETRY_LATER:
        raise _final("WebhookRefused", f"HTTP {status}", status)
    raise _retry(f"HTTP {status}", status)


def _final(kind: str, message: str, status: int | None = None) -> ApplicationError:
    return ApplicationError(message, {"status": status}, type=kind, non_retryable=True)


def _retry(message: str, status: int | None) -> ApplicationError:
    return ApplicationError(message, {"status": status}, type="WebhookFailed")
