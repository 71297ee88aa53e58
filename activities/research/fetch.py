"""Gets one source's text: http(s) with limits, a file below the root, or the inline text.

A source that cannot be read is not a job failure: ``SourceFailed`` carries the reason into
the report's per-source status. Only a spec that breaks the rules (a path outside the files
root) raises ``InvalidSpec`` and fails the job.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import httpx

from activities.files import resolve_under_root
from activities.public_net import BlockedAddress, fetch_client
from activities.research.extract import (
    READABLE_TYPES,
    content_type_of,
    html_title,
    readable_text,
)
from activities.research.models import FileSource, Source, TextSource, UrlSource
from activities.research.settings import ResearchSettings
from jobwire.settings import Settings


class SourceFailed(Exception):
    """The source could not be read; the message says why, in words a user can act on."""


@dataclass(frozen=True)
class Fetched:
    title: str
    text: str
    content_type: str
    truncated: bool


def source_name(source: Source) -> str:
    if isinstance(source, UrlSource):
        return str(source.url)
    if isinstance(source, FileSource):
        return source.path
    return source.title


def http_client(settings: Settings, limits: ResearchSettings) -> httpx.AsyncClient:
    """One client per fetch phase: redirects and their limit are client settings in httpx."""
    return fetch_client(
        settings,
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        timeout=httpx.Timeout(limits.fetch_timeout_seconds),
        headers={"User-Agent": "jobwire-research/1", "Accept": ", ".join(sorted(READABLE_TYPES))},
    )


async def fetch_source(
    source: Source,
    index: int,
    http: httpx.AsyncClient,
    settings: Settings,
    limits: ResearchSettings,
) -> Fetched:
    """Reads one source within the per-source time limit; raises ``SourceFailed``. Text is
    extracted in a worker thread: trafilatura on a large page would hold the event loop that
    every other job on this worker runs on."""
    if isinstance(source, TextSource):
        return await asyncio.to_thread(
            _finish, source.title, source.text, "text/plain", False, limits
        )
    if isinstance(source, FileSource):
        path = resolve_under_root(settings, source.path, field=f"sources.{index}.path")
        return await asyncio.to_thread(_read_file, path, source.path, limits)
    try:
        async with asyncio.timeout(limits.fetch_timeout_seconds):
            body, content_type, truncated = await _fetch_url(str(source.url), http, limits)
    except TimeoutError:
        raise SourceFailed(f"timed out after {limits.fetch_timeout_seconds:g} s") from None
    except BlockedAddress as exc:
        raise SourceFailed(str(exc)) from None
    except httpx.TooManyRedirects:
        raise SourceFailed(f"more than {limits.max_redirects} redirects") from None
    except httpx.HTTPError as exc:
        raise SourceFailed(f"{type(exc).__name__}: {exc}") from None
    return await asyncio.to_thread(_page, str(source.url), body, content_type, truncated, limits)


async def _fetch_url(
    url: str, http: httpx.AsyncClient, limits: ResearchSettings
) -> tuple[str, str, bool]:
    """The body as text (at most ``max_source_bytes`` of it), its media type, and whether it
    was cut."""
    async with http.stream("GET", url) as response:
        if response.is_error:
            raise SourceFailed(f"HTTP {response.status_code} {response.reason_phrase}")
        content_type = content_type_of(response.headers.get("content-type"), url)
        if content_type not in READABLE_TYPES:
            raise SourceFailed(f"unsupported content type {content_type!r}")
        body = bytearray()
        truncated = False
        async for piece in response.aiter_bytes():
            body.extend(piece)
            if len(body) > limits.max_source_bytes:
                del body[limits.max_source_bytes :]
                truncated = True
                break
        text = bytes(body).decode(response.encoding or "utf-8", errors="replace")
    return text, content_type, truncated


def _page(
    url: str, text: str, content_type: str, truncated: bool, limits: ResearchSettings
) -> Fetched:
    title = html_title(text) if content_type != "text/plain" else None
    return _finish(title or url, text, content_type, truncated, limits)


def _read_file(path: Path, name: str, limits: ResearchSettings) -> Fetched:
    content_type = content_type_of(None, name)
    if content_type not in READABLE_TYPES:
        raise SourceFailed(f"unsupported file type {content_type!r}")
    with path.open("rb") as handle:
        raw = handle.read(limits.max_source_bytes + 1)
    truncated = len(raw) > limits.max_source_bytes
    text = raw[: limits.max_source_bytes].decode("utf-8", errors="replace")
    title = html_title(text) if content_type == "text/html" else None
    return _finish(title or name, text, content_type, truncated, limits)


def _finish(
    title: str, body: str, content_type: str, truncated: bool, limits: ResearchSettings
) -> Fetched:
    text = readable_text(body, content_type)
    if not text:
        raise SourceFailed("no readable text")
    if len(text) > limits.max_source_chars:
        text = text[: limits.max_source_chars]
        truncated = True
    return Fetched(title=title, text=text, content_type=content_type, truncated=truncated)
