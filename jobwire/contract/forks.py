"""What a forked job starts from, as its workflow's input carries it.

A fork reuses the outputs a source job's finished phases handed on, so its workflow needs them
in its input (it never does I/O to look them up), fixed when it starts like everything else
it replays from.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from jobwire.contract.phases import Checkpoint
from jobwire.contract.records import ForkOrigin


class ForkStart(BaseModel):
    """The source and phase a job forks at, the source's outputs of every phase before it,
    and (when asked for) the source's last checkpoint inside it."""

    source: ForkOrigin
    outputs: dict[str, Any] = Field(
        default_factory=dict, description="Outputs of the reused phases, by phase name."
    )
    checkpoint: Checkpoint | None = Field(
        default=None, description="Where the forked phase starts instead of its beginning."
    )


FORK_MEMO = "forked_from"
"""The memo key that carries a fork's origin to Temporal's visibility, so a list row (built
from visibility alone) says what each job was forked from."""


def fork_memo(fork: ForkStart | None) -> dict[str, Any]:
    """The memo entries a job's fork adds: none for a job that is no fork."""
    return {} if fork is None else {FORK_MEMO: fork.source.model_dump()}
