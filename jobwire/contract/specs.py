"""Job specs: one validated input model per job type, joined into a discriminated union.

Job types register themselves in ``jobwire.contract.registry``; this module gives the base
model they extend and the ``JobSpec`` field type that turns raw JSON back into the concrete
model wherever a spec crosses a boundary (HTTP body, Temporal payload, Redis).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SerializeAsAny

from jobwire.contract import SCHEMA_VERSION


class JobInput(BaseModel):
    """Base of every job type's input; subclasses narrow ``type`` to a ``Literal``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    type: str


def _parse_spec(value: Any) -> Any:
    from jobwire.contract.registry import job_types

    if isinstance(value, JobInput):
        return value
    return job_types.parse_spec(value)


JobSpec = Annotated[SerializeAsAny[JobInput], BeforeValidator(_parse_spec)]
"""A field holding the concrete input model of whichever job type the data names."""
