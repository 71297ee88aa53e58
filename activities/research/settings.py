"""The research job type's own settings: ``JOBWIRE_JOB_TYPES__RESEARCH__<FIELD>``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from activities.research.models import MAX_SOURCES


class ResearchSettings(BaseModel):
    """Limits of source fetching, and the optional LLM that writes an answer."""

    model_config = ConfigDict(extra="forbid")

    max_sources: int = Field(
        default=MAX_SOURCES,
        ge=1,
        le=MAX_SOURCES,
        description="Most sources one research job may name (at most the spec's own bound).",
    )
    concurrency: int = Field(default=4, ge=1, description="Sources a research job fetches at once.")
    fetch_timeout_seconds: float = Field(
        default=20.0, gt=0, description="Longest one source fetch may take."
    )
    max_source_bytes: int = Field(
        default=2_000_000, ge=1024, description="Largest body read from one source."
    )
    max_source_chars: int = Field(
        default=50_000, ge=100, description="Text kept per source after extraction."
    )
    max_redirects: int = Field(default=5, ge=0, description="Redirects followed per source.")
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible API (…/v1) for research synthesis; unset turns it off.",
    )
    llm_api_key: SecretStr | None = Field(default=None, description="Bearer key of that API.")
    llm_model: str = Field(default="gpt-4o-mini", description="Model research synthesis asks.")
    llm_timeout_seconds: float = Field(
        default=120.0, gt=0, description="Longest a synthesis may stream."
    )
