"""Reads a dataset's column in chunks from a cursor, with memory bounded by the chunk size.

The cursor is what a checkpoint keeps: a byte offset into a CSV file or URL, or a row index
for inline rows and generated series. Every reader starts from any cursor it produced, so a
resumed scan reads only what it has not read.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from activities.analysis.csv_records import CsvColumn
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
WALK_BOUNDS = (1e-100, 1e100)
"""The generated walk stays within these prices (its start too): a drift held over millions
of rows would otherwise run it to infinity or to zero, and no aggregate survives that."""


@dataclass(frozen=True)
class Chunk:
    values: list[float | None]
    cursor: int
    """Where the next chunk starts."""
    carry: float | None = None
    """What a reader needs besides the cursor to go on (the generated walk's last price)."""
    times: list[str | None] | None = None
    """Each value's time cell, when the spec names a time column."""


def describe(spec: AnalysisInput) -> str:
    data = spec.dataset
    if isinstance(data, FileDataset):
        return f"file {data.path}"
    if isinstance(data, UrlDataset):
        return str(data.url)
    if isinstance(data, InlineDataset):
        return f"{len(data.rows)} inline rows"
    return f"generated walk of {data.rows} rows (seed {data.seed})"


async def chunks(  # noqa: PLR0913 -- each is a part of the checkpoint a resumed scan reads
    spec: AnalysisInput,
    settings: Settings,
    cursor: int,
    column_index: int | None,
    *,
    carry: float | None = None,
    on_header: Callable[[int], None] | None = None,
    analysis: AnalysisSettings | None = None,
    rows_done: int = 0,
    time_index: int | None = None,
    on_time_header: Callable[[int], None] | None = None,
) -> AsyncGenerator[Chunk, None]:
    """The dataset's chunks from ``cursor`` on. For CSV sources, ``cursor == 0`` means "read
    the header first"; its column index is handed to ``on_header`` to be checkpointed, and
    the time column's (if the spec names one) to ``on_time_header``.
    ``analysis`` is the job type's settings (their defaults when left out); ``rows_done``,
    the rows read before ``cursor``, counts against its record budget."""
    analysis = analysis or AnalysisSettings()
    data = spec.dataset
    if isinstance(data, InlineDataset):
        async for chunk in _inline_chunks(spec, data, cursor):
            yield chunk
    elif isinstance(data, GeneratedDataset):
        async for chunk in _generated_chunks(spec, data, cursor, carry):
            yield chunk
    else:
        blocks = (
            _file_blocks(resolve_under_root(settings, data.path, field="dataset.path"), cursor)
            if isinstance(data, FileDataset)
            else _url_blocks(str(data.url), cursor, settings, analysis)
        )
        parser = CsvColumn(
            spec.column,
            column_index,
            cursor,
            analysis,
            records=rows_done,
            time_column=spec.time_column,
            time_index=time_index,
        )
        async with contextlib.aclosing(blocks):
            async for chunk in _csv_chunks(spec, blocks, parser, (on_header, on_time_header)):
                yield chunk


async def _inline_chunks(
    spec: AnalysisInput, data: InlineDataset, cursor: int
) -> AsyncGenerator[Chunk, None]:
    for column, name in ((spec.column, "column"), (spec.time_column, "time_column")):
        if column is not None and not any(column in row for row in data.rows):
            raise InvalidSpec(f"no inline row has the column {column!r}", field=name)
    time = spec.time_column
    for start in range(cursor, len(data.rows), spec.chunk_rows):
        rows = data.rows[start : start + spec.chunk_rows]
        times = None if time is None else [_text(row.get(time)) for row in rows]
        yield Chunk([number(row.get(spec.column)) for row in rows], start + len(rows), times=times)


def _text(cell: object) -> str | None:
    return None if cell is None or cell == "" else str(cell)


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
    price = carry if carry is not None else _bounded(data.start)
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
                price = _bounded(data.start)
            else:
                price = _bounded(price * math.exp(shocks[current % GENERATED_BLOCK]))
            values.append(price)
        row = end
        yield Chunk(values, row, carry=price)
        await asyncio.sleep(0)


def _bounded(price: float) -> float:
    low, high = WALK_BOUNDS
    return min(max(price, low), high)


async def _file_blocks(path: Path, offset: int) -> AsyncGenerator[bytes, None]:
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        await asyncio.to_thread(handle.seek, offset)
        while block := await asyncio.to_thread(handle.read, BLOCK_BYTES):
            yield block
    finally:
        await asyncio.to_thread(handle.close)


async def _url_blocks(
    url: str, offset: int, settings: Settings, analysis: AnalysisSettings
) -> AsyncGenerator[bytes, None]:
    """Streams the CSV in blocks of about ``BLOCK_BYTES``; on resume asks for a byte range and
    skips ahead if it is refused. Over the size or time budget, the job fails for good."""
    timeout = httpx.Timeout(analysis.fetch_timeout_seconds)
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    budget = DownloadBudget(url, offset, analysis)
    async with (
        fetch_client(settings, follow_redirects=True, timeout=timeout) as http,
        _refusing_blocked(url),
        http.stream("GET", url, headers=headers) as response,
    ):
        if response.is_error:
            raise JobFailed("DatasetUnavailable", f"{url} answered HTTP {response.status_code}")
        skip = offset if response.status_code != httpx.codes.PARTIAL_CONTENT else 0
        pending = bytearray()
        async for piece in response.aiter_bytes():
            budget.spend(len(piece))
            cut = min(skip, len(piece))
            skip -= cut
            pending += piece[cut:]
            if len(pending) >= BLOCK_BYTES:
                yield bytes(pending)
                pending.clear()
        if pending:
            yield bytes(pending)


class DownloadBudget:
    """The bytes and the time one URL dataset may take; running out is final, since a retry
    would download the same bytes at the same pace."""

    def __init__(self, url: str, offset: int, analysis: AnalysisSettings) -> None:
        self.url = url
        self.received = offset
        self.analysis = analysis
        self.deadline = time.monotonic() + analysis.download_seconds

    def spend(self, size: int) -> None:
        self.received += size
        if self.received > self.analysis.max_download_bytes:
            raise JobFailed(
                "DatasetTooLarge",
                f"{self.url} is larger than {self.analysis.max_download_bytes} bytes",
            )
        if time.monotonic() > self.deadline:
            raise JobFailed(
                "DownloadTooSlow",
                f"{self.url} took longer than {self.analysis.download_seconds:g} s to download",
            )


@contextlib.asynccontextmanager
async def _refusing_blocked(url: str) -> AsyncIterator[None]:
    """A dataset URL that leads to a non-public address fails the job: retrying cannot help."""
    try:
        yield
    except BlockedAddress as exc:
        raise JobFailed("DatasetUnavailable", f"{url}: {exc}") from None


async def _csv_chunks(
    spec: AnalysisInput,
    blocks: AsyncIterator[bytes],
    parser: CsvColumn,
    on_headers: tuple[Callable[[int], None] | None, Callable[[int], None] | None],
) -> AsyncGenerator[Chunk, None]:
    """Parses block by block in a worker thread; a chunk ends at a record's end, so the cursor
    after it (a byte offset) is where a resumed scan starts."""
    values: list[float | None] = []
    times: list[str | None] | None = [] if parser.time_column is not None else None
    header_known = parser.column_index is not None
    finished = False
    while not finished:
        block = await anext(blocks, None)
        finished = block is None
        parsed = await (
            asyncio.to_thread(parser.finish)
            if block is None
            else asyncio.to_thread(parser.feed, block)
        )
        if not header_known and parser.column_index is not None:
            header_known = True
            _tell_headers(parser, *on_headers)
        for i, (value, end) in enumerate(zip(parsed.values, parsed.ends, strict=True)):
            values.append(value)
            if times is not None:
                times.append(parsed.times[i])
            if len(values) >= spec.chunk_rows:
                yield Chunk(values, end, times=times)
                values, times = [], (None if times is None else [])
    if values:
        yield Chunk(values, parser.position, times=times)


def _tell_headers(
    parser: CsvColumn,
    on_header: Callable[[int], None] | None,
    on_time_header: Callable[[int], None] | None,
) -> None:
    """Hands the header's indexes over to be checkpointed: a resumed scan never sees it."""
    if on_header is not None and parser.column_index is not None:
        on_header(parser.column_index)
    if on_time_header is not None and parser.time_index is not None:
        on_time_header(parser.time_index)
