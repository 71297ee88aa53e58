"""Reads a dataset's column in chunks from a cursor, with memory bounded by the chunk size.

The cursor is what a checkpoint keeps: a byte offset into a CSV file or URL, or a row index
for inline rows and generated series. Every reader starts from any cursor it produced, so a
resumed scan reads only what it has not read.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import math
import random
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from activities.analysis.models import (
    AnalysisInput,
    FileDataset,
    GeneratedDataset,
    InlineDataset,
    UrlDataset,
)
from activities.analysis.settings import AnalysisSettings
from activities.analysis.values import number
from activities.files import resolve_under_root
from activities.public_net import BlockedAddress, fetch_client
from jobwire.errors import InvalidSpec, JobFailed
from jobwire.settings import Settings

BLOCK_BYTES = 1 << 20
GENERATED_BLOCK = 1000


@dataclass(frozen=True)
class Chunk:
    values: list[float | None]
    cursor: int
    """Where the next chunk starts."""
    carry: float | None = None
    """What a reader needs besides the cursor to go on (the generated walk's last price)."""


def describe(spec: AnalysisInput) -> str:
    data = spec.dataset
    if isinstance(data, FileDataset):
        return f"file {data.path}"
    if isinstance(data, UrlDataset):
        return str(data.url)
    if isinstance(data, InlineDataset):
        return f"{len(data.rows)} inline rows"
    return f"generated walk of {data.rows} rows (seed {data.seed})"


async def chunks(
    spec: AnalysisInput,
    settings: Settings,
    cursor: int,
    column_index: int | None,
    *,
    carry: float | None = None,
    on_header: Callable[[int], None] | None = None,
    analysis: AnalysisSettings | None = None,
) -> AsyncGenerator[Chunk, None]:
    """The dataset's chunks from ``cursor`` on. For CSV sources, ``cursor == 0`` means "read
    the header first"; its column index is handed to ``on_header`` to be checkpointed.
    ``analysis`` is the job type's settings (their defaults when left out)."""
    data = spec.dataset
    if isinstance(data, InlineDataset):
        async for chunk in _inline_chunks(spec, data, cursor):
            yield chunk
    elif isinstance(data, GeneratedDataset):
        async for chunk in _generated_chunks(spec, data, cursor, carry):
            yield chunk
    else:
        lines = (
            _file_lines(resolve_under_root(settings, data.path, field="dataset.path"), cursor)
            if isinstance(data, FileDataset)
            else _url_lines(str(data.url), cursor, settings, analysis or AnalysisSettings())
        )
        async with contextlib.aclosing(lines):
            async for chunk in _csv_chunks(spec, lines, cursor, column_index, on_header):
                yield chunk


async def _inline_chunks(
    spec: AnalysisInput, data: InlineDataset, cursor: int
) -> AsyncGenerator[Chunk, None]:
    if not any(spec.column in row for row in data.rows):
        raise InvalidSpec(f"no inline row has the column {spec.column!r}", field="column")
    for start in range(cursor, len(data.rows), spec.chunk_rows):
        rows = data.rows[start : start + spec.chunk_rows]
        yield Chunk([number(row.get(spec.column)) for row in rows], start + len(rows))


def block_shocks(data: GeneratedDataset, block: int) -> list[float]:
    """Log-returns of rows ``block*1000 ..``: each block has its own seed, so a resumed scan
    regenerates only the block it stopped in, never the walk from the start."""
    rng = random.Random(f"{data.seed}:{block}")
    mu, sigma = data.drift_bps / 10_000, data.volatility_bps / 10_000
    return [rng.gauss(mu, sigma) for _ in range(GENERATED_BLOCK)]


async def _generated_chunks(
    spec: AnalysisInput, data: GeneratedDataset, cursor: int, carry: float | None
) -> AsyncGenerator[Chunk, None]:
    """``carry`` is the price of row ``cursor - 1``, kept in the checkpoint."""
    price = carry if carry is not None else data.start
    shocks: list[float] = []
    shocks_block = -1
    row = cursor
    while row < data.rows:
        end = min(row + spec.chunk_rows, data.rows)
        values: list[float | None] = []
        for current in range(row, end):
            block = current // GENERATED_BLOCK
            if block != shocks_block:
                shocks, shocks_block = block_shocks(data, block), block
            if current == 0:
                price = data.start
            else:
                price = price * math.exp(shocks[current % GENERATED_BLOCK])
            values.append(price)
        row = end
        yield Chunk(values, row, carry=price)
        await asyncio.sleep(0)


async def _file_lines(path: Path, offset: int) -> AsyncGenerator[bytes, None]:
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        await asyncio.to_thread(handle.seek, offset)
        pending = b""
        while True:
            block = await asyncio.to_thread(handle.read, BLOCK_BYTES)
            if not block:
                break
            pending += block
            *complete, pending = pending.split(b"\n")
            for line in complete:
                yield line + b"\n"
        if pending:
            yield pending
    finally:
        await asyncio.to_thread(handle.close)


async def _url_lines(
    url: str, offset: int, settings: Settings, analysis: AnalysisSettings
) -> AsyncGenerator[bytes, None]:
    """Streams the CSV; on resume asks for a byte range and skips ahead if it is refused."""
    timeout = httpx.Timeout(analysis.fetch_timeout_seconds)
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    async with (
        fetch_client(settings, follow_redirects=True, timeout=timeout) as http,
        _refusing_blocked(url),
        http.stream("GET", url, headers=headers) as response,
    ):
        if response.is_error:
            raise JobFailed("DatasetUnavailable", f"{url} answered HTTP {response.status_code}")
        skip = offset if response.status_code != httpx.codes.PARTIAL_CONTENT else 0
        pending = b""
        async for block in response.aiter_bytes():
            if skip:
                cut = min(skip, len(block))
                block, skip = block[cut:], skip - cut
            pending += block
            *complete, pending = pending.split(b"\n")
            for line in complete:
                yield line + b"\n"
        if pending:
            yield pending


@contextlib.asynccontextmanager
async def _refusing_blocked(url: str) -> AsyncIterator[None]:
    """A dataset URL that leads to a non-public address fails the job: retrying cannot help."""
    try:
        yield
    except BlockedAddress as exc:
        raise JobFailed("DatasetUnavailable", f"{url}: {exc}") from None


async def _records(lines: AsyncIterator[bytes]) -> AsyncGenerator[bytes, None]:
    """Whole CSV records: a quoted field may hold line breaks (RFC 4180), so lines are joined
    until their quotes pair up (a quote inside a quoted field is doubled, so pairs hold)."""
    pending = b""
    async for line in lines:
        pending += line
        if pending.count(b'"') % 2 == 0:
            yield pending
            pending = b""
    if pending:
        yield pending


async def _csv_chunks(
    spec: AnalysisInput,
    lines: AsyncIterator[bytes],
    cursor: int,
    column_index: int | None,
    on_header: Callable[[int], None] | None,
) -> AsyncGenerator[Chunk, None]:
    """Parses record by record; the cursor after a chunk is the byte offset of its end."""
    values: list[float | None] = []
    position = cursor
    async for raw in _records(lines):
        position += len(raw)
        text = raw.decode("utf-8", errors="replace").strip("\r\n")
        if column_index is None:
            header = next(csv.reader([text.lstrip("\ufeff")]), [])
            if spec.column not in header:
                raise InvalidSpec(
                    f"the dataset has no column {spec.column!r} (its columns: {header})",
                    field="column",
                )
            column_index = header.index(spec.column)
            if on_header is not None:
                on_header(column_index)
            continue
        if not text:
            continue
        fields = next(csv.reader([text]), [])
        values.append(number(fields[column_index]) if column_index < len(fields) else None)
        if len(values) >= spec.chunk_rows:
            yield Chunk(values, position)
            values = []
    if column_index is None:
        raise JobFailed("EmptyDataset", "the dataset is empty: not even a header row")
    if values:
        yield Chunk(values, position)
