"""The /api/me webhook calls (the user's signing key and default webhook), one typed method
each, over a ``JobwireClient``'s connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from jobwire.client.http import JobwireClient
from jobwire.contract.preferences import DefaultWebhook
from jobwire.contract.specs import WebhookSpec
from jobwire.contract.webhooks import WebhookSecret

Request = Callable[..., Awaitable[Any]]


class WebhookClient:
    """A user's webhook settings; errors are the same ``ApiError`` subclasses as for jobs."""

    def __init__(self, request: Request) -> None:
        self._request = request

    async def secret(self) -> WebhookSecret:
        """The key this user's webhook receivers verify signatures with."""
        return WebhookSecret.model_validate(await self._request("GET", "/api/me/webhook-secret"))

    async def default(self) -> DefaultWebhook:
        """The webhook this user's jobs without one of their own deliver to, and who set it."""
        return DefaultWebhook.model_validate(await self._request("GET", "/api/me/webhook"))

    async def set_default(self, webhook: WebhookSpec) -> DefaultWebhook:
        body = webhook.model_dump(mode="json")
        return DefaultWebhook.model_validate(
            await self._request("PUT", "/api/me/webhook", json=body)
        )

    async def clear_default(self) -> None:
        await self._request("DELETE", "/api/me/webhook")


def webhooks_of(client: JobwireClient) -> WebhookClient:
    """The webhook calls on ``client``'s own connection, token and error mapping."""
    return WebhookClient(client._request)
