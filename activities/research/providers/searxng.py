"""A self-hosted SearxNG instance through its JSON API (``/search?format=json``), which an
instance answers only when ``json`` is among ``search.formats`` in its settings."""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, Field

from activities.research.providers.base import Found, fetch_answer, results_of
from activities.research.settings import ResearchSettings


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str
    title: str = ""
    snippet: str = Field(default="", alias="content")


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    results: list[_Result]


class SearxngSearch:
    name = "searxng"

    def __init__(self, settings: ResearchSettings) -> None:
        assert settings.searxng_url is not None
        self._url = settings.searxng_url.rstrip("/") + "/search"
        self._key = settings.searxng_api_key
        self._timeout = settings.searxng_timeout_seconds
        self._cap = settings.searxng_max_results

    async def search(self, query: str, count: int) -> list[Found]:
        headers = {"Accept": "application/json"}
        if self._key is not None:
            headers["Authorization"] = f"Bearer {self._key.get_secret_value()}"
        params = {"q": query, "format": "json", "pageno": "1"}

        def request(http: httpx.AsyncClient) -> httpx.Request:
            return http.build_request("GET", self._url, params=params, headers=headers)

        answer = await fetch_answer("SearxNG", self._timeout, request, _Answer)
        return results_of(answer.results, min(count, self._cap))
