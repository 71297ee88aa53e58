"""Brave Search's hosted web search API: a subscription token in ``X-Subscription-Token``, at
most 20 results a request, the pages under ``web.results``."""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, Field

from activities.research.providers.base import Found, fetch_answer, results_of
from activities.research.settings import ResearchSettings


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str
    title: str = ""
    snippet: str = Field(default="", alias="description")


class _Web(BaseModel):
    model_config = ConfigDict(extra="ignore")

    results: list[_Result] = Field(default_factory=list)


class _Answer(BaseModel):
    """An answer without ``web`` (no page matched) has no results, not a wrong shape."""

    model_config = ConfigDict(extra="ignore")

    type: str = Field(pattern="^search$")
    web: _Web = Field(default_factory=_Web)


class BraveSearch:
    name = "brave"

    def __init__(self, settings: ResearchSettings) -> None:
        assert settings.brave_api_key is not None
        self._url = settings.brave_url
        self._key = settings.brave_api_key
        self._timeout = settings.brave_timeout_seconds
        self._cap = settings.brave_max_results

    async def search(self, query: str, count: int) -> list[Found]:
        wanted = min(count, self._cap)
        headers = {
            "Accept": "application/json",
            "X-Subscription-Token": self._key.get_secret_value(),
        }
        params = {"q": query[:400], "count": str(wanted)}

        def request(http: httpx.AsyncClient) -> httpx.Request:
            return http.build_request("GET", self._url, params=params, headers=headers)

        answer = await fetch_answer("Brave Search", self._timeout, request, _Answer)
        return results_of(answer.web.results, wanted)
