"""UserPreferencesWorkflow: one per user who set a default, holding it while it is set.

The state is the user's ``UserPreferences``; each change is an Update, so the caller learns it
was applied (or why not) and the history keeps who changed what. The memo mirrors the state,
so readers describe the workflow instead of querying it and need no worker. Cleared of every
default, it ends; the next change starts it again. A long-lived one hands over to a fresh run
before its history grows large.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.preferences import (
        PREFERENCES_MEMO,
        PREFERENCES_WORKFLOW_NAME,
        QUERY_PREFERENCES,
        UPDATE_SET_WEBHOOK,
        UserPreferences,
    )
    from jobwire.contract.specs import WebhookSpec

HISTORY_LIMIT = 2000
"""Events after which the preferences move to a fresh run."""


@workflow.defn(name=PREFERENCES_WORKFLOW_NAME)
class UserPreferencesWorkflow:
    @workflow.init
    def __init__(self, preferences: UserPreferences) -> None:
        self._preferences = preferences
        self._cleared = False

    @workflow.update(name=UPDATE_SET_WEBHOOK)
    def set_webhook(self, webhook: WebhookSpec | None) -> UserPreferences:
        self._preferences = self._preferences.model_copy(update={"webhook": webhook})
        self._cleared = self._preferences == UserPreferences()
        self._mirror()
        return self._preferences

    @workflow.query(name=QUERY_PREFERENCES)
    def preferences(self) -> UserPreferences:
        return self._preferences

    @workflow.run
    async def run(self, preferences: UserPreferences) -> None:
        self._mirror()
        await workflow.wait_condition(
            lambda: self._cleared or workflow.info().get_current_history_length() >= HISTORY_LIMIT
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._preferences != UserPreferences():
            workflow.continue_as_new(self._preferences)

    def _mirror(self) -> None:
        workflow.upsert_memo({PREFERENCES_MEMO: self._preferences.model_dump(mode="json")})
