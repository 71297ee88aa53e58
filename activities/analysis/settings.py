"""The analysis job type's own settings: ``JOBWIRE_JOB_TYPES__ANALYSIS__<FIELD>``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AnalysisSettings(BaseModel):
    """How datasets are read from URLs."""

    model_config = ConfigDict(extra="forbid")

    fetch_timeout_seconds: float = Field(
        default=60.0, gt=0, description="Read timeout of a dataset streamed from a URL."
    )
