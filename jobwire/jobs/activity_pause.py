"""Temporal's own activity pause (``temporal activity pause``, the UI's button), seen from jobwire.

The workflow does not learn of such a pause; the server keeps the activity's heartbeat details
and holds its retries. jobwire reads the pause from the workflow's description and lifts it
with the same RPC the CLI uses, so a job paused either way shows and resumes the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import UnpauseActivityRequest
from temporalio.client import Client, WorkflowExecutionDescription


@dataclass(frozen=True)
class ActivityPause:
    activity_id: str
    activity_type: str


def temporal_pause_of(description: WorkflowExecutionDescription) -> ActivityPause | None:
    for activity in description.raw_description.pending_activities:
        if activity.paused:
            return ActivityPause(activity.activity_id, activity.activity_type.name)
    return None


async def unpause_activity(
    client: Client, description: WorkflowExecutionDescription, pause: ActivityPause
) -> None:
    """Lifts the pause; the activity's next attempt resumes from its heartbeat details."""
    await client.workflow_service.unpause_activity(
        UnpauseActivityRequest(
            namespace=client.namespace,
            execution=WorkflowExecution(workflow_id=description.id, run_id=description.run_id),
            identity=client.identity,
            id=pause.activity_id,
        )
    )
