"""A user's own defaults, kept in Temporal: names and payloads shared by the preferences
workflow, the API that changes them and the submissions that read them.

Each user who set one has a ``UserPreferencesWorkflow`` (id ``prefs-<user>``) that holds them
for as long as they are set (a closed run would be deleted with the namespace's retention). It
copies them into its memo, so a read is a describe that needs no worker; a change is an
Update, started with the workflow if it is the user's first. Temporal's UI shows them.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from jobwire.contract.specs import WebhookSpec

PREFERENCES_WORKFLOW_NAME = "UserPreferencesWorkflow"
PREFERENCES_ID_PREFIX = "prefs-"
PREFERENCES_MEMO = "preferences"
UPDATE_SET_WEBHOOK = "set_webhook"
QUERY_PREFERENCES = "preferences"


def preferences_workflow_id(user_id: str) -> str:
    return f"{PREFERENCES_ID_PREFIX}{user_id}"


class UserPreferences(BaseModel):
    """Everything a user set for themselves; a field left unset falls back to the operator's."""

    webhook: WebhookSpec | None = Field(
        default=None, description="Where the user's jobs whose spec names none deliver."
    )


class WebhookSource(StrEnum):
    USER = "user"
    OPERATOR = "operator"


class DefaultWebhook(BaseModel):
    """``GET /api/me/webhook``: the webhook a new job of the caller's delivers to when its
    spec names none, and who set it (the caller, or the operator's per-user default)."""

    webhook: WebhookSpec | None
    source: WebhookSource | None = Field(description="None when no default applies.")
