"""What Temporal is told about a job's place in the queue: its priority, clamped to what the
user may ask for, and its user as the fairness key.

Temporal applies both to the workflow's tasks and, by inheritance, to every activity the
workflow schedules; a server without the new matcher ignores them (jobs run first come, first
served), so they never stop a job from starting.
"""

from __future__ import annotations

from typing import Any

from temporalio.common import Priority

from jobwire.contract.priority import DEFAULT_PRIORITY, fairness_key
from jobwire.settings import Settings


def spec_priority(spec: dict[str, Any]) -> int:
    """The priority a validated spec asks for (specs from before priorities: the default)."""
    value = spec.get("priority", DEFAULT_PRIORITY)
    return value if isinstance(value, int) else DEFAULT_PRIORITY


def allowed_priority(settings: Settings, user_id: str, priority: int) -> int:
    """The priority the job runs with: what it asked for, or the most urgent the user may ask
    for when it asked for more. Clamped rather than refused, so every value the published
    schema allows is accepted, and the record says what the job really runs with."""
    return max(priority, settings.best_priority_for(user_id))


def temporal_priority(settings: Settings, user_id: str, priority: int) -> Priority:
    """The workflow's ``Priority``: its key, and with fairness on the user and their weight."""
    if not settings.fairness_enabled:
        return Priority(priority_key=priority)
    return Priority(
        priority_key=priority,
        fairness_key=fairness_key(user_id),
        fairness_weight=settings.fairness_weights.get(user_id),
    )
