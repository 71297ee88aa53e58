"""Webhooks: which events go out, what the workflow hands the delivery activity, and what the
record says of the last delivery (the spec's ``WebhookSpec`` is in ``specs``, beside
``JobInput``).

The URL and the choice of events come from the spec (or an operator's per-user default); the
retry policy is fixed from settings when the job starts, so a running job replays the same
whatever the settings say later. No secret is carried here: the worker signs with its own.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from jobwire.contract.events import EventType

WEBHOOK_ACTIVITY = "jobwire.deliver_webhook"
"""The activity the job workflow starts for each event its webhook wants."""

SIGNATURE_HEADER = "Jobwire-Signature"
DELIVERY_HEADER = "Jobwire-Delivery"
EVENT_HEADER = "Jobwire-Event"

TERMINAL_EVENTS = frozenset({EventType.COMPLETED, EventType.FAILED, EventType.CANCELLED})
STATE_EVENTS = TERMINAL_EVENTS | {
    EventType.CREATED,
    EventType.STARTED,
    EventType.PAUSED,
    EventType.RESUMED,
}
"""The transitions ``state_changes`` delivers; progress, logs and checkpoints never go out."""


class WebhookEvents(StrEnum):
    TERMINAL = "terminal"
    STATE_CHANGES = "state_changes"

    def wants(self, kind: EventType) -> bool:
        return kind in (TERMINAL_EVENTS if self is WebhookEvents.TERMINAL else STATE_EVENTS)


class WebhookPlan(BaseModel):
    """The webhook a job delivers to, with its retry policy, fixed when the job starts."""

    url: str
    events: WebhookEvents = WebhookEvents.TERMINAL
    from_default: bool = Field(
        default=False, description="The user's default webhook, not the spec's."
    )
    timeout_seconds: float = Field(default=10.0, gt=0)
    maximum_attempts: int = Field(default=10, ge=1)
    initial_interval_seconds: float = Field(default=1.0, gt=0)
    backoff_coefficient: float = Field(default=2.0, ge=1)
    maximum_interval_seconds: float = Field(default=60.0, gt=0)


class WebhookDelivery(BaseModel):
    """The delivery activity's input: one event, to one URL, under one id for every attempt."""

    delivery_id: str
    url: str
    job_id: str
    user_id: str
    timeout_seconds: float = Field(gt=0)
    event: dict[str, Any] = Field(description="The event envelope, as the live feed sends it.")


class WebhookOutcome(BaseModel):
    """What a delivery that went through answered."""

    status: int
    attempt: int = Field(ge=1)


class WebhookStatus(BaseModel):
    """The job's last webhook delivery, as its record shows it."""

    delivery_id: str
    event: str = Field(description="The event type delivered, e.g. 'job.completed'.")
    delivered: bool
    attempts: int = Field(ge=1)
    last_status: int | None = Field(
        default=None, description="The receiver's last HTTP status; null if none answered."
    )
    error: str | None = Field(default=None, description="Why the last attempt failed.")
    at: AwareDatetime


class WebhookSecret(BaseModel):
    """How the caller's receivers check that a POST came from jobwire."""

    user_id: str
    secret: str = Field(description="The HMAC-SHA256 key, used as its UTF-8 bytes.")
    signature_header: str = Field(
        default=SIGNATURE_HEADER,
        description='Carries "t=<unix seconds>,v1=<hex HMAC of t + "." + body>".',
    )
    delivery_header: str = Field(
        default=DELIVERY_HEADER,
        description="The delivery's id: the same on every retry, so a receiver drops repeats.",
    )
