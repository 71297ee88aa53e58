"""What the workflow hands a phase activity and what it gets back."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from jobwire.contract.specs import JobSpec


class Checkpoint(BaseModel):
    """A phase's resumable position, carried as heartbeat details (keep it well under 1 MB)."""

    phase: str
    position: str = Field(description="Human-readable, e.g. 'row 120000'.")
    done: int = Field(default=0, ge=0, description="Units finished in this phase.")
    total: int | None = Field(default=None, ge=0)
    state: dict[str, Any] = Field(
        default_factory=dict, description="The job type's cursor and partial aggregates."
    )
    taken_at: AwareDatetime


class PhaseInput(BaseModel):
    job_id: str
    user_id: str
    spec: JobSpec
    phase: str
    phase_index: int = Field(ge=0)
    phase_count: int = Field(ge=1)
    progress_start: float = Field(ge=0, le=100)
    progress_end: float = Field(ge=0, le=100)
    previous: dict[str, Any] = Field(
        default_factory=dict, description="Outputs of the finished phases, by phase name."
    )
    resume_from: Checkpoint | None = Field(
        default=None, description="Checkpoint handed back when the job was paused."
    )


class PhaseOutcome(BaseModel):
    status: Literal["completed", "paused"]
    output: dict[str, Any] | None = None
    checkpoint: Checkpoint | None = None
