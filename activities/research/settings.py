"""The research job type's own settings: ``JOBWIRE_JOB_TYPES__RESEARCH__<FIELD>``."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from activities.research.models import MAX_SOURCES

SearchProviderName = Literal["searxng", "brave"]

HOW_TO_SEARCH = (
    "set JOBWIRE_JOB_TYPES__RESEARCH__SEARCH_PROVIDER=searxng with"
    " JOBWIRE_JOB_TYPES__RESEARCH__SEARXNG_URL=<your SearxNG instance, JSON format enabled>,"
    " or =brave with JOBWIRE_JOB_TYPES__RESEARCH__BRAVE_API_KEY=<key>"
)
"""How an operator turns search on, in the words every refusal and log line uses."""


class ResearchSettings(BaseModel):
    """Limits of source fetching, the web search that finds sources for a question alone,
    and the optional LLM that writes an answer."""

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
    search_provider: SearchProviderName | None = Field(
        default=None,
        description="Web search finding sources for a question alone; unset: specs need sources.",
    )
    search_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries of one search before the job fails."
    )
    search_retry_seconds: float = Field(
        default=1.0, ge=0, description="Wait before the first retry of a search; doubles after."
    )
    searxng_url: str | None = Field(
        default=None, description="Base URL of a SearxNG instance whose JSON format is enabled."
    )
    searxng_api_key: SecretStr | None = Field(
        default=None, description="Bearer key, if the SearxNG instance sits behind one."
    )
    searxng_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest one SearxNG query may take."
    )
    searxng_max_results: int = Field(
        default=10, ge=1, le=50, description="Results read from one SearxNG answer."
    )
    brave_url: str = Field(
        default="https://api.search.brave.com/res/v1/web/search",
        description="Brave Search API's web search endpoint.",
    )
    brave_api_key: SecretStr | None = Field(
        default=None, description="Brave Search API subscription token."
    )
    brave_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest one Brave Search query may take."
    )
    brave_max_results: int = Field(
        default=10, ge=1, le=20, description="Results asked of Brave Search (its API allows 20)."
    )

    @model_validator(mode="after")
    def _provider_is_complete(self) -> Self:
        """A chosen provider without its address or key would fail every search job; the
        worker refuses to start with it instead."""
        if self.search_provider == "searxng" and not self.searxng_url:
            raise ValueError("SEARCH_PROVIDER=searxng needs SEARXNG_URL")
        if self.search_provider == "brave" and self.brave_api_key is None:
            raise ValueError("SEARCH_PROVIDER=brave needs BRAVE_API_KEY")
        return self
