"""An in-process worker running the built-in job types, and a loopback web server that
counts every request, for the research and analysis jobs to fetch from."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from temporalio.client import Client

import activities  # noqa: F401
from activities.runtime.context import PhaseResources
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.server.worker import build_worker
from jobwire.contract.publishing import MemoryPublisher
from jobwire.contract.records import JobRecord
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.serving import serving

ARTICLE = """<html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>
<footer>footer text</footer></body></html>"""


def page(title: str, *paragraphs: str) -> str:
    return ARTICLE.format(title=title, paragraphs="".join(f"<p>{p}</p>" for p in paragraphs))


@dataclass
class Held:
    """A body sent in two parts: ``first``, then ``rest`` once ``release`` is set; ``sent``
    is set when the first part has left the server."""

    first: bytes
    rest: bytes
    sent: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def body(self) -> AsyncIterator[bytes]:
        yield self.first
        self.sent.set()
        await self.release.wait()
        yield self.rest


@dataclass
class Site:
    """A loopback web server; ``hits`` counts requests per path, ``delay`` slows pages."""

    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    delay: float = 0.0
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    """Served with byte-range support (HTTP 206), unlike ``pages``."""
    ranges: list[str | None] = field(default_factory=list)
    llm_words: list[str] = field(default_factory=list)
    """What the stand-in LLM streams back, one server-sent event per word."""
    llm_status: int = 200
    llm_requests: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    held: dict[str, Held] = field(default_factory=dict)
    """Streamed in two parts, the second once the test releases it."""

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def site_app(site: Site) -> Starlette:  # noqa: C901 -- a stand-in site: one branch per page
    async def handler(request: Request) -> Response:
        path = request.url.path
        site.hits[path] += 1
        if path.startswith("/redirect/"):
            return RedirectResponse("/" + path.removeprefix("/redirect/"), status_code=302)
        if path == "/slow":
            await asyncio.sleep(3)
        if site.delay:
            await asyncio.sleep(site.delay)
        site.ranges.append(request.headers.get("range"))
        if path in site.held:
            return StreamingResponse(site.held[path].body(), media_type="text/csv")
        if path in site.files:
            return FileResponse(site.files[path], media_type="text/csv")
        if path == "/missing" or path not in site.pages:
            return PlainTextResponse("no such page", status_code=404)
        media_type, body = site.pages[path]
        return Response(body, media_type=media_type)

    async def chat(request: Request) -> Response:
        """A stand-in for an OpenAI-compatible chat completions endpoint, streaming."""
        site.llm_requests.append((request.headers.get("authorization"), await request.json()))
        if site.llm_status != 200:
            return PlainTextResponse("overloaded", status_code=site.llm_status)

        async def events() -> AsyncIterator[str]:
            for word in site.llm_words:
                chunk = {"choices": [{"index": 0, "delta": {"content": word}}]}
                yield f"data: {json.dumps(chunk)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/v1/chat/completions", chat, methods=["POST"]),
            Route("/{path:path}", handler),
        ]
    )


@pytest_asyncio.fixture
async def site() -> AsyncIterator[Site]:
    state = Site()
    async with serving(site_app(state), free_port()) as base:
        state.base = base
        yield state


@dataclass
class Jobs:
    jobs: JobService
    events: MemoryPublisher
    redis: Redis
    settings: Settings

    async def finished(self, user: str, job_id: str, timeout: float = 90) -> JobRecord:
        async def probe() -> JobRecord | None:
            record = await self.jobs.get(user, job_id)
            return record if record.state.is_terminal else None

        return await assert_eventually(probe, timeout=timeout, message=f"{job_id} never finished")

    async def in_state(self, user: str, job_id: str, state: JobState) -> JobRecord:
        async def probe() -> JobRecord | None:
            record = await self.jobs.get(user, job_id)
            return record if record.state is state else None

        return await assert_eventually(probe, timeout=60, message=f"{job_id} never {state}")


@pytest_asyncio.fixture
async def files_root(tmp_path: Path) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    return root


@pytest.fixture
def job_settings(settings: Settings, files_root: Path) -> Settings:
    """The worker's settings; a test module overrides this fixture to change limits."""
    return settings.model_copy(update={"files_root": files_root})


@pytest_asyncio.fixture
async def jobs(
    job_settings: Settings, temporal_client: Client, redis: Redis
) -> AsyncIterator[Jobs]:
    settings = job_settings
    publisher = MemoryPublisher()
    async with httpx.AsyncClient() as http:
        resources = PhaseResources(settings=settings, redis=redis, http=http)
        worker = build_worker(temporal_client, settings, resources, publisher, job_types)
        async with worker:
            yield Jobs(
                jobs=JobService(temporal_client, settings, job_types),
                events=publisher,
                redis=redis,
                settings=settings,
            )
