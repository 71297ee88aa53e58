"""The analysis job type's own settings: ``JOBWIRE_JOB_TYPES__ANALYSIS__<FIELD>``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AnalysisSettings(BaseModel):
    """How datasets are read from URLs, and the budgets no dataset may exceed."""

    model_config = ConfigDict(extra="forbid")

    fetch_timeout_seconds: float = Field(
        default=60.0, gt=0, description="Read timeout of a dataset streamed from a URL."
    )
    download_seconds: float = Field(
        default=1800.0,
        gt=0,
        description="Longest one attempt may spend streaming a URL dataset, start to end.",
    )
    max_download_bytes: int = Field(
        default=2 * 1024**3, ge=1024, description="Largest URL dataset, in bytes."
    )
    max_record_bytes: int = Field(
        default=128 * 1024,
        ge=64,
        description="Longest CSV line or record (a quoted field may span lines), in bytes.",
    )
    max_records: int = Field(
        default=50_000_000, ge=1, description="Most data records one CSV dataset may hold."
    )
