"""GET /api/me/webhook-secret: the key the caller's webhook receivers verify signatures with.

The key is derived from the operator's master key and the caller's user id, never stored: it
is the same on every replica and every call, and changes only when the master key does.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import app_settings
from api.dependencies import CurrentUser
from api.error_handlers import ProblemError, problem_responses
from jobwire.contract.webhooks import WebhookSecret
from jobwire.webhook_signing import master_key, user_key

router = APIRouter(prefix="/api/me", tags=["webhooks"], responses=problem_responses(401, 503))


@router.get("/webhook-secret", response_model=WebhookSecret, summary="Webhook signing key")
async def webhook_secret(request: Request, user: CurrentUser) -> WebhookSecret:
    """Derived for the caller alone: another user's key cannot be read or worked out from it.
    A 503 when the operator configured no key to derive it from."""
    master = master_key(app_settings(request))
    if master is None:
        raise ProblemError(503, "webhooks are not configured: set JOBWIRE_WEBHOOK_SECRET")
    return WebhookSecret(user_id=user.user_id, secret=user_key(master, user.user_id))
