"""Starting a job's webhook deliveries, and keeping the job open until the last one is done.

Each event the job's webhook wants becomes one activity in the job's history, so a worker
that dies between the event and its delivery loses nothing: the next worker replays the
history and the activity goes on being retried, within its bounded policy. Deliveries of
state changes run beside the job; the terminal one, and any still under way, are awaited
before the workflow returns, since a closed workflow's activities are abandoned.

When a delivery is done (delivered, or out of attempts) a ``job.log`` event says so, with the
record, whose ``webhook`` shows the terminal event's delivery once that is done (else the last
one done): the feed and the job's projection see it.

Jobs started before webhooks existed have none, so they schedule nothing new; a job whose
history predates the ``webhooks`` marker (a new spec run partly by an old worker) keeps the
old command sequence on replay (``switch_on``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

from workflows.run_state import JobRun

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventType
    from jobwire.contract.records import JobRecord
    from jobwire.contract.webhooks import (
        TERMINAL_EVENTS,
        WEBHOOK_ACTIVITY,
        WebhookDelivery,
        WebhookOutcome,
        WebhookPlan,
        WebhookStatus,
    )

PATCH = "webhooks"
START_TO_CLOSE_MARGIN_SECONDS = 5.0
"""On top of the POST's own timeout: an attempt on a worker that died times out after this."""

TERMINAL_TYPES = frozenset(kind.value for kind in TERMINAL_EVENTS)

Publish = Callable[[JobRecord, EventType, dict[str, Any]], Awaitable[Any]]
"""``transitions.publish``, handed in: it is what starts deliveries, so this module cannot
import it."""


def switch_on(job_run: JobRun) -> None:
    """Decides, as the run starts, whether this run delivers webhooks. Asked here, before the
    first command, because a patch marker must come at the same point of every replay: asked
    after a local activity, it lands in whichever workflow task that activity's result came
    back in, and a replay that resolves it sooner breaks."""
    job_run.webhooks_on = job_run.job.webhook is not None and workflow.patched(PATCH)


async def notify(
    job_run: JobRun, kind: EventType, envelope: dict[str, Any], publish: Publish
) -> None:
    """Starts the delivery of ``envelope`` if the job's webhook wants ``kind``; at a terminal
    event, waits for every delivery of the job."""
    plan = job_run.job.webhook
    if plan is None or not job_run.webhooks_on or not plan.events.wants(kind):
        return
    delivery = WebhookDelivery(
        delivery_id=f"{workflow.info().run_id}.{len(job_run.webhook_deliveries)}",
        url=plan.url,
        job_id=job_run.record.job_id,
        user_id=job_run.record.user_id,
        timeout_seconds=plan.timeout_seconds,
        event=envelope,
    )
    job_run.webhook_deliveries.append(
        asyncio.ensure_future(_deliver(job_run, plan, delivery, publish))
    )
    if kind in TERMINAL_EVENTS:
        await asyncio.gather(*job_run.webhook_deliveries)


async def _deliver(
    job_run: JobRun, plan: WebhookPlan, delivery: WebhookDelivery, publish: Publish
) -> None:
    """Runs one delivery to its end; a delivery that fails never fails the job."""
    try:
        activity = workflow.start_activity(
            WEBHOOK_ACTIVITY,
            delivery,
            result_type=WebhookOutcome,
            start_to_close_timeout=timedelta(
                seconds=plan.timeout_seconds + START_TO_CLOSE_MARGIN_SECONDS
            ),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=plan.initial_interval_seconds),
                backoff_coefficient=plan.backoff_coefficient,
                maximum_interval=timedelta(seconds=plan.maximum_interval_seconds),
                maximum_attempts=plan.maximum_attempts,
            ),
        )
        job_run.webhook_activities.append(activity)
        outcome = await activity
        status = _status(delivery, True, outcome.attempt, outcome.status, None)
    except ActivityError as exc:
        status = _failed(delivery, plan, exc)
    await _show(job_run, status, publish)


def stop_deliveries(job_run: JobRun) -> None:
    """Cancels every delivery not done yet; each ends as a failed one that says why."""
    for activity in job_run.webhook_activities:
        if not activity.done():
            activity.cancel()


def _failed(delivery: WebhookDelivery, plan: WebhookPlan, exc: ActivityError) -> WebhookStatus:
    cause = exc.cause
    last_status = None
    message = str(cause or exc)
    if isinstance(cause, CancelledError):
        message = "stopped before its next attempt: the job was resumed"
        attempts = 1
    elif isinstance(cause, ApplicationError):
        details = cause.details[0] if cause.details else None
        if isinstance(details, dict) and isinstance(details.get("status"), int):
            last_status = details["status"]
        attempts = 1 if cause.non_retryable else plan.maximum_attempts
    else:
        attempts = plan.maximum_attempts
    workflow.logger.warning("webhook delivery %s failed: %s", delivery.delivery_id, message)
    return _status(delivery, False, attempts, last_status, message)


def _status(
    delivery: WebhookDelivery, delivered: bool, attempts: int, code: int | None, error: str | None
) -> WebhookStatus:
    return WebhookStatus(
        delivery_id=delivery.delivery_id,
        event=str(delivery.event.get("type", "")),
        delivered=delivered,
        attempts=attempts,
        last_status=code,
        error=error,
        at=workflow.now(),
    )


async def _show(job_run: JobRun, status: WebhookStatus, publish: Publish) -> None:
    """Logs every delivery done; the record keeps the terminal event's once it is done, so
    an earlier event's delivery that happens to finish after it does not hide it."""
    shown = job_run.record.webhook
    if shown is None or status.event in TERMINAL_TYPES or shown.event not in TERMINAL_TYPES:
        job_run.record.webhook = status
    outcome = "delivered" if status.delivered else "not delivered"
    answer = f"HTTP {status.last_status}" if status.last_status is not None else status.error
    message = f"webhook {status.event} {outcome} after {status.attempts} attempt(s): {answer}"
    level = "info" if status.delivered else "warning"
    data = {"message": message, "level": level, "webhook": status.model_dump(mode="json")}
    await publish(job_run.record, EventType.LOG, data)
