"""How a job waits for one of its user's running slots: names and payloads shared by the job's
workflow, the per-user slots workflow, the activity that reaches it, and readers.

Each user with a cap has one ``UserSlotsWorkflow`` (id ``slots-<user>``) holding which jobs run
and which wait, in order. A job asks for a slot through an activity (signal-with-start, so the
first job of a user starts it), waits for the grant signal, and gives the slot back when it
ends. Everything lives in Temporal, so the cap holds across API replicas and worker restarts.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

SLOTS_WORKFLOW_NAME = "UserSlotsWorkflow"
SLOTS_ID_PREFIX = "slots-"
SIGNAL_ACQUIRE = "acquire"
SIGNAL_RELEASE = "release"
QUERY_SLOTS = "slots"
SIGNAL_SLOT_GRANTED = "slot_granted"
"""Sent to a job's workflow when it may start its phases."""
SIGNAL_SLOT_QUEUED = "slot_queued"
"""Sent to a job's workflow when it has to wait, saying how many of its user's jobs run."""
REQUEST_SLOT_ACTIVITY = "jobwire.request_slot"
ENDED_JOBS_ACTIVITY = "jobwire.ended_jobs"
SLOTS_PATCH = "user-running-cap"
"""The ``workflow.patched`` id under which a job first asks for a slot: histories from before
it replay without the request."""


def slots_workflow_id(user_id: str) -> str:
    return f"{SLOTS_ID_PREFIX}{user_id}"


class SlotRequest(BaseModel):
    """A job asking for a slot; ``cap`` is the setting when it was submitted, and the latest
    request's cap is the one the user's slots workflow applies."""

    job_id: str
    user_id: str
    cap: int = Field(ge=1)
    check_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How often a full user's holders are checked for ended jobs.",
    )


class SlotQueued(BaseModel):
    """What a waiting job shows as its step."""

    running: int = Field(ge=0)
    cap: int = Field(ge=1)
    ahead: int = Field(ge=0, description="Jobs of the same user queued before this one.")

    def step(self) -> str:
        ahead = f", {self.ahead} queued before this one" if self.ahead else ""
        return f"waiting: {self.running} of your jobs are running (at most {self.cap}){ahead}"


class SlotsState(BaseModel):
    """A user's slots: the jobs holding one, and the jobs waiting, first in line first."""

    user_id: str
    cap: int = Field(ge=1)
    check_seconds: float = Field(default=30.0, gt=0)
    holders: list[str] = Field(default_factory=list)
    waiting: list[str] = Field(default_factory=list)


class RunningCap(BaseModel):
    """The cap a job was started under, carried in its workflow input."""

    limit: int = Field(ge=1, description="The most of one user's jobs that run at once.")
    check_seconds: float = Field(default=30.0, gt=0)
