"""The base model every job type's input extends.

It depends on nothing else in the contract, so a job type's models import it without pulling
in the registry (``jobwire.contract.registry`` holds the ``JobSpec`` field type that turns
raw JSON into the concrete model).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from jobwire.contract import SCHEMA_VERSION


class JobInput(BaseModel):
    """Base of every job type's input; subclasses narrow ``type`` to a ``Literal``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    type: str
