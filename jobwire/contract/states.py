"""Job states, the controls a user can send, and which control each state allows.

The workflow enforces these rules in its Update validators; the API and the console read
``allowed_actions`` so they never offer a control the workflow would refuse.
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def is_active(self) -> bool:
        return not self.is_terminal


TERMINAL_STATES = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED})


class JobAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    RESTART = "restart"


_ALLOWED: dict[JobState, tuple[JobAction, ...]] = {
    JobState.CREATED: (JobAction.PAUSE, JobAction.CANCEL),
    JobState.RUNNING: (JobAction.PAUSE, JobAction.CANCEL),
    JobState.PAUSED: (JobAction.RESUME, JobAction.CANCEL),
    JobState.COMPLETED: (JobAction.RESTART,),
    JobState.FAILED: (JobAction.RESUME, JobAction.RESTART),
    JobState.CANCELLED: (JobAction.RESTART,),
}


def allowed_actions(state: JobState, *, has_checkpoint: bool = False) -> list[JobAction]:
    """The controls that ``state`` accepts.

    A failed job can be resumed only from a checkpoint it left behind; without one the only way
    forward is a restart.
    """
    actions = list(_ALLOWED[state])
    if state is JobState.FAILED and not has_checkpoint:
        actions.remove(JobAction.RESUME)
    return actions


def is_allowed(state: JobState, action: JobAction, *, has_checkpoint: bool = False) -> bool:
    return action in allowed_actions(state, has_checkpoint=has_checkpoint)
