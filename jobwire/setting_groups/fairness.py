"""How jobs share the workers: priorities users may ask, fairness between users, and each
user's cap on running jobs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from jobwire.contract.priority import DEFAULT_PRIORITY, HIGHEST_PRIORITY, LOWEST_PRIORITY
from jobwire.contract.slots import RunningCap


class FairnessSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    max_priority: int = Field(
        default=2,
        ge=HIGHEST_PRIORITY,
        le=DEFAULT_PRIORITY,
        description="The most urgent priority (lowest number) a user may ask for; a job that "
        "asks for a more urgent one runs with this one (its record says so), so 1 stays for "
        "the users named in `priority_grants`.",
    )
    priority_grants: dict[str, int] = Field(
        default_factory=dict,
        description='Users allowed a more urgent priority than `max_priority`, e.g. {"ops": 1}.',
    )
    fairness_enabled: bool = Field(
        default=True,
        description="Sends each job's user as its Temporal fairness key, so one user's burst "
        "shares the workers with everyone else's jobs instead of queueing ahead of them.",
    )
    fairness_weights: dict[str, float] = Field(
        default_factory=dict,
        description='Users whose share of the workers differs from 1.0, e.g. {"batch": 0.2}.',
    )
    max_running_jobs_per_user: int = Field(
        default=0,
        ge=0,
        le=10_000,
        description="The most of one user's jobs that run at once; more wait (created, with a "
        "step saying so) until one ends. 0: no cap.",
    )
    running_slot_check_seconds: float = Field(
        default=30.0,
        gt=0,
        description="While a user is at the cap with jobs waiting, how often the running ones "
        "are checked for jobs that ended without giving their slot back (terminated).",
    )

    worker_activity_slots: int | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="The most activities one worker runs at once (unset: Temporal's default, "
        "100). Fewer slots keep a backlog in Temporal, where priority and fairness order it.",
    )

    def best_priority_for(self, user_id: str) -> int:
        """The most urgent priority ``user_id`` may ask for."""
        granted = self.priority_grants.get(user_id, self.max_priority)
        return max(HIGHEST_PRIORITY, min(granted, LOWEST_PRIORITY))

    def running_cap(self) -> RunningCap | None:
        """The cap a job starts under; it stays with the job for its life."""
        if not self.max_running_jobs_per_user:
            return None
        return RunningCap(
            limit=self.max_running_jobs_per_user, check_seconds=self.running_slot_check_seconds
        )
