"""/api/me/webhook: the webhook the caller's new jobs deliver to when their spec names none.

The caller sets it for themselves (kept in Temporal by their preferences workflow, see
``jobwire.contract.preferences``); without one, the operator's per-user default applies
(``JOBWIRE_WEBHOOK_DEFAULTS``). A job fixes its webhook when it starts, so a change reaches the
jobs submitted after it, and a schedule's runs use the one set when the schedule was saved.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.auth import app_settings
from api.dependencies import ActionLimiter, CurrentUser, Preferences
from api.error_handlers import problem_responses
from jobwire.contract.preferences import DefaultWebhook, WebhookSource
from jobwire.contract.specs import WebhookSpec

router = APIRouter(prefix="/api/me", tags=["webhooks"], responses=problem_responses(401, 503))


@router.get("/webhook", response_model=DefaultWebhook, summary="Your default webhook")
async def default_webhook(
    request: Request, user: CurrentUser, preferences: Preferences
) -> DefaultWebhook:
    """The one you set, else the operator's for you, else none (``webhook: null``)."""
    own = (await preferences.read(user.user_id)).webhook
    return app_settings(request).default_webhook(user.user_id, own)


@router.put(
    "/webhook",
    response_model=DefaultWebhook,
    summary="Set your default webhook",
    responses=problem_responses(400, 413, 422, 429),
)
async def set_default_webhook(
    user: CurrentUser, preferences: Preferences, limiter: ActionLimiter, body: WebhookSpec
) -> DefaultWebhook:
    """Jobs submitted from now on without a webhook of their own deliver here. A 503 when
    no worker applied the change in time (it applies once one polls)."""
    await limiter.check(user.user_id)
    saved = await preferences.set_webhook(user.user_id, body)
    return DefaultWebhook(webhook=saved.webhook, source=WebhookSource.USER)


@router.delete(
    "/webhook",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Clear your default webhook",
    responses=problem_responses(429),
)
async def clear_default_webhook(
    user: CurrentUser, preferences: Preferences, limiter: ActionLimiter
) -> Response:
    """Back to the operator's default for you, if any; clearing none is not an error."""
    await limiter.check(user.user_id)
    await preferences.set_webhook(user.user_id, None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
