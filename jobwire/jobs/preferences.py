"""A user's preferences in Temporal: read from the preferences workflow's memo (a describe, no
worker needed), changed through its Update (started with it for a user's first change)."""

from __future__ import annotations

import logging
from typing import Any

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from jobwire.contract.preferences import (
    PREFERENCES_MEMO,
    PREFERENCES_WORKFLOW_NAME,
    UPDATE_SET_WEBHOOK,
    UserPreferences,
    preferences_workflow_id,
)
from jobwire.contract.specs import WebhookSpec
from jobwire.errors import NoWorkerAnswered
from jobwire.jobs.worker_answer import worker_answer

log = logging.getLogger(__name__)


class UserPreferencesStore:
    """One user's preferences; every call names the user, so one store serves them all."""

    def __init__(self, temporal: Client, task_queue: str, answer_wait_seconds: float) -> None:
        """``answer_wait_seconds`` bounds a change's wait for a worker (then 503)."""
        self.temporal = temporal
        self.task_queue = task_queue
        self.answer_wait_seconds = answer_wait_seconds

    async def read(self, user_id: str) -> UserPreferences:
        """What the user set; nothing set (or never) reads as the defaults."""
        handle = self.temporal.get_workflow_handle(preferences_workflow_id(user_id))
        try:
            description = await handle.describe()
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                return UserPreferences()
            raise
        stored = await description.memo_value(PREFERENCES_MEMO, None)
        return UserPreferences.model_validate(stored) if stored else UserPreferences()

    async def set_webhook(self, user_id: str, webhook: WebhookSpec | None) -> UserPreferences:
        """Applies the change and answers the preferences after it; clearing what was never
        set changes nothing and starts no workflow."""
        if webhook is None and (await self.read(user_id)).webhook is None:
            return UserPreferences()
        start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
            PREFERENCES_WORKFLOW_NAME,
            UserPreferences(),
            id=preferences_workflow_id(user_id),
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            static_summary=f"preferences of {user_id}",
        )
        change = self.temporal.execute_update_with_start_workflow(
            UPDATE_SET_WEBHOOK, webhook, start_workflow_operation=start, result_type=UserPreferences
        )
        unanswered = (
            f"no worker applied the change within {self.answer_wait_seconds:g} s; it applies"
            " once one polls again (GET shows whether it has)"
        )
        try:
            return await worker_answer(change, self.answer_wait_seconds, unanswered)
        except NoWorkerAnswered:
            log.warning("no worker applied a preferences change", extra={"user_id": user_id})
            raise
