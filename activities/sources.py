"""Where a job's input documents come from: inline text, an http(s) URL, or a file under the
configured root. One place enforces the limits (size, time, type) and the root, so no job
type can be talked into reading ``/etc/passwd`` or a 10 GB download."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from jobwire.errors import InvalidSpec
from jobwire.settings import Settings


class InlineSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["inline"] = "inline"
    name: str = Field(default="inline", max_length=200)
    text: str = Field(min_length=1, max_length=2_000_000)


class UrlSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["url"] = "url"
    url: HttpUrl


class FileSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, max_length=1024, description="Relative to the files root.")


Source = Annotated[InlineSource | UrlSource | FileSource, Field(discriminator="kind")]


def source_label(source: InlineSource | UrlSource | FileSource) -> str:
    if isinstance(source, InlineSource):
        return source.name
    if isinstance(source, UrlSource):
        return str(source.url)
    return source.path


def resolve_file(settings: Settings, relative: str) -> Path:
    """The file's real path, refused unless it lies below ``files_root`` after symlinks."""
    if settings.files_root is None:
        raise InvalidSpec("file sources are disabled: JOBWIRE_FILES_ROOT is not set", field="path")
    root = settings.files_root.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root):
        raise InvalidSpec(f"{relative!r} is outside the files root", field="path")
    if not candidate.is_file():
        raise InvalidSpec(f"{relative!r} is not a file under the files root", field="path")
    return candidate


@dataclass(frozen=True)
class Fetched:
    text: str
    content_type: str
    final_url: str


class FetchRefused(Exception):
    """The source answered, but not with something usable (status, type, size)."""


TEXT_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "text/markdown", "text/csv")


async def fetch_text(
    http: httpx.AsyncClient, url: str, *, max_bytes: int, timeout: float
) -> Fetched:
    """GET with redirects, a deadline, a content-type check and a size cap while streaming."""
    async with http.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
        if response.status_code >= 400:
            raise FetchRefused(f"HTTP {response.status_code}")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and not content_type.startswith(TEXT_TYPES):
            raise FetchRefused(f"unsupported content type {content_type}")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise FetchRefused(f"larger than {max_bytes} bytes")
        encoding = response.encoding or "utf-8"
        return Fetched(
            text=body.decode(encoding, errors="replace"),
            content_type=content_type or "text/plain",
            final_url=str(response.url),
        )


async def stream_lines(http: httpx.AsyncClient, url: str, *, timeout: float) -> AsyncIterator[str]:
    """A large text resource line by line, never held whole in memory."""
    async with http.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
        if response.status_code >= 400:
            raise FetchRefused(f"HTTP {response.status_code}")
        async for line in response.aiter_lines():
            yield line
