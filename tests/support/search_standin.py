"""A stand-in for what a question-only research job reaches, on a real loopback port: SearxNG's
JSON API at ``/search`` and Brave Search's at ``/res/v1/web/search`` (answering what the test
put in ``results``, counting every call, misbehaving on request: slow, garbage, an HTTP
error), pages at ``/pages/<name>``, and an OpenAI-compatible chat API at ``/v1`` that streams
``llm_words`` one event each, ``llm_delay`` apart."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from jobwire.cli.devstack.ports import free_port
from tests.support.serving import serving

Mode = Literal["ok", "slow", "garbage", "not-json", "forbidden", "huge"]


@dataclass
class SearchStandIn:
    base: str = ""
    results: list[dict[str, str]] = field(default_factory=list)
    """Each ``{"url", "title", "content"}``, in rank order."""
    mode: Mode = "ok"
    delay: float = 0.0
    """Seconds every search answer waits before it is sent."""
    calls: int = 0
    requests: list[tuple[dict[str, str], dict[str, str]]] = field(default_factory=list)
    """Each call's query parameters and headers."""
    pages: dict[str, str] = field(default_factory=dict)
    """HTML by name, served at ``/pages/<name>``."""
    llm_words: list[str] = field(default_factory=list)
    llm_delay: float = 0.0
    released: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the stand-in stops: a "slow" answer then ends, so shutdown does not wait."""

    def page_url(self, name: str) -> str:
        return f"{self.base}/pages/{name}"

    @property
    def llm_url(self) -> str:
        return f"{self.base}/v1"

    @property
    def searxng_url(self) -> str:
        return self.base

    @property
    def brave_url(self) -> str:
        return f"{self.base}/res/v1/web/search"

    def add(self, url: str, title: str, content: str = "") -> None:
        self.results.append({"url": url, "title": title, "content": content})

    async def _misbehave(self) -> Response | None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.mode == "huge":
            return JSONResponse(
                {"results": [{"url": "https://x.example/", "content": "x" * 3_000_000}]}
            )
        if self.mode == "slow":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.released.wait(), 30)
        if self.mode == "garbage":
            return JSONResponse({"answer": "42", "results": "none today"})
        if self.mode == "not-json":
            return PlainTextResponse("<html>502 Bad Gateway</html>")
        if self.mode == "forbidden":
            return PlainTextResponse("format not allowed", status_code=403)
        return None

    def _note(self, request: Request) -> None:
        self.calls += 1
        self.requests.append((dict(request.query_params), dict(request.headers)))

    async def searxng(self, request: Request) -> Response:
        self._note(request)
        if (odd := await self._misbehave()) is not None:
            return odd
        body: dict[str, Any] = {
            "query": request.query_params.get("q", ""),
            "number_of_results": len(self.results),
            "results": [{**r, "engine": "stand-in", "score": 1.0} for r in self.results],
            "answers": [],
            "infoboxes": [],
        }
        return JSONResponse(body)

    async def brave(self, request: Request) -> Response:
        self._note(request)
        if (odd := await self._misbehave()) is not None:
            return odd
        count = int(request.query_params.get("count", "20"))
        results = [
            {"url": r["url"], "title": r["title"], "description": r["content"]}
            for r in self.results[:count]
        ]
        body = {"type": "search", "query": {"original": request.query_params.get("q")}}
        return JSONResponse(body | {"web": {"type": "search", "results": results}})

    async def page(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.pages:
            return PlainTextResponse("no such page", status_code=404)
        return HTMLResponse(self.pages[name])

    async def chat(self, request: Request) -> Response:
        async def events() -> AsyncIterator[str]:
            for word in self.llm_words:
                await asyncio.sleep(self.llm_delay)
                chunk = {"choices": [{"index": 0, "delta": {"content": word}}]}
                yield f"data: {json.dumps(chunk)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")


@asynccontextmanager
async def search_standin() -> AsyncIterator[SearchStandIn]:
    state = SearchStandIn()
    app = Starlette(
        routes=[
            Route("/search", state.searxng),
            Route("/res/v1/web/search", state.brave),
            Route("/pages/{name}", state.page),
            Route("/v1/chat/completions", state.chat, methods=["POST"]),
        ]
    )
    async with serving(app, free_port()) as base:
        state.base = base
        try:
            yield state
        finally:
            state.released.set()
