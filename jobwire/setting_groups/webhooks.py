"""Webhooks: how their deliveries are signed, timed and retried, and operators' per-user
defaults."""

from __future__ import annotations

from pydantic import BaseModel, Field, HttpUrl, SecretStr

from jobwire.contract.preferences import DefaultWebhook, WebhookSource
from jobwire.contract.specs import WebhookSpec
from jobwire.contract.webhooks import WebhookEvents, WebhookPlan


class WebhookSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Master key of webhook signatures: each user's signing key is derived from"
        " it (`GET /api/me/webhook-secret`). Unset: derived from the JWT secret (in development,"
        " its development value); with RS256 outside development, webhooks are refused.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, description="Longest one webhook POST may take."
    )
    webhook_maximum_attempts: int = Field(
        default=10, ge=1, le=100, description="Attempts of one webhook delivery before it fails."
    )
    webhook_retry_initial_interval_seconds: float = Field(
        default=1.0, gt=0, description="First retry delay of a webhook delivery."
    )
    webhook_retry_backoff_coefficient: float = Field(
        default=2.0, ge=1, description="Growth of a webhook delivery's retry delay."
    )
    webhook_retry_maximum_interval_seconds: float = Field(
        default=60.0, gt=0, description="Longest retry delay of a webhook delivery."
    )
    webhook_defaults: dict[str, HttpUrl] = Field(
        default_factory=dict,
        description="Each user's default webhook (terminal events), by token subject, for jobs"
        ' whose spec names none: `JOBWIRE_WEBHOOK_DEFAULTS=\'{"alice": "https://..."}\'`.',
    )

    def default_webhook(self, user_id: str, user_default: WebhookSpec | None) -> DefaultWebhook:
        """What a job of the user's whose spec names no webhook delivers to: the default the
        user set (``PUT /api/me/webhook``), else the operator's for the user, else none.
        ``GET /api/me/webhook`` answers it; ``webhook_plan`` applies it."""
        if user_default is not None:
            return DefaultWebhook(webhook=user_default, source=WebhookSource.USER)
        operator = self.webhook_defaults.get(user_id)
        if operator is not None:
            return DefaultWebhook(
                webhook=WebhookSpec(url=str(operator)), source=WebhookSource.OPERATOR
            )
        return DefaultWebhook(webhook=None, source=None)

    def webhook_plan(
        self, user_id: str, named: WebhookSpec | None, user_default: WebhookSpec | None = None
    ) -> WebhookPlan | None:
        """The webhook a new job delivers to: its spec's, else the user's default."""
        chosen = named or self.default_webhook(user_id, user_default).webhook
        if chosen is None:
            return None
        return WebhookPlan(
            url=str(chosen.url),
            events=chosen.events or WebhookEvents.TERMINAL,
            from_default=named is None,
            timeout_seconds=self.webhook_timeout_seconds,
            maximum_attempts=self.webhook_maximum_attempts,
            initial_interval_seconds=self.webhook_retry_initial_interval_seconds,
            backoff_coefficient=self.webhook_retry_backoff_coefficient,
            maximum_interval_seconds=self.webhook_retry_maximum_interval_seconds,
        )
