"""Analysis: summary statistics, returns and rolling volatility, and an SMA-crossover
backtest over one numeric column of a CSV dataset, read in chunks.

Memory stays flat whatever the file size: rows stream in and only running aggregates stay.
Those aggregates are the checkpoint at each chunk boundary, and since every one of them is
exact under any split into chunks, a resumed run gives the result of an uninterrupted one.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from activities.aggregates import Analysis
from activities.sources import resolve_file, stream_lines
from jobwire.contract.registry import Phase, job_types
from jobwire.contract.specs import JobInput
from jobwire.engine import JobFailed, PhaseContext


class InlineRows(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["inline"] = "inline"
    csv: str = Field(min_length=1, max_length=2_000_000, description="CSV text with a header.")


class CsvUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["url"] = "url"
    url: HttpUrl


class CsvFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, max_length=1024, description="Relative to the files root.")


class GeneratedSeries(BaseModel):
    """A seeded random-walk price series: a dataset that needs no file and no network."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["generated"] = "generated"
    rows: int = Field(ge=2, le=50_000_000)
    seed: int = 1
    start_price: float = Field(default=100.0, gt=0)


Dataset = Annotated[InlineRows | CsvUrl | CsvFile | GeneratedSeries, Field(discriminator="kind")]


class AnalysisInput(JobInput):
    """Statistics, returns, volatility and an SMA-crossover backtest over a price column."""

    type: Literal["analysis"] = "analysis"
    dataset: Dataset
    column: str = Field(default="close", min_length=1, max_length=100)
    sma_fast: int = Field(default=10, ge=1, le=1000)
    sma_slow: int = Field(default=30, ge=2, le=5000)
    volatility_window: int = Field(default=20, ge=2, le=5000)
    chunk_rows: int = Field(default=10_000, ge=100, le=1_000_000)

    @model_validator(mode="after")
    def _fast_below_slow(self) -> AnalysisInput:
        if self.sma_fast >= self.sma_slow:
            raise ValueError("sma_fast must be smaller than sma_slow")
        return self


class AnalysisResult(BaseModel):
    model_config = ConfigDict(extra="allow")
    column: str
    rows: int
    summary: dict[str, Any]
    returns: dict[str, Any]
    backtest: dict[str, Any]


def _generated(series: GeneratedSeries, column: str) -> Iterator[dict[str, str]]:
    walk = random.Random(series.seed)
    log_price = math.log(series.start_price)
    for _ in range(series.rows):
        yield {column: repr(math.exp(log_price))}
        log_price += walk.gauss(0.0003, 0.01)


async def _rows(ctx: PhaseContext, spec: AnalysisInput) -> AsyncIterator[dict[str, str]]:
    dataset = spec.dataset
    if isinstance(dataset, GeneratedSeries):
        for row in _generated(dataset, spec.column):
            yield row
    elif isinstance(dataset, InlineRows):
        for row in csv.DictReader(io.StringIO(dataset.csv)):
            yield row
    elif isinstance(dataset, CsvFile):
        path: Path = resolve_file(ctx.resources.settings, dataset.path)
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                yield row
    else:
        assert ctx.resources.http is not None
        lines = stream_lines(ctx.resources.http, str(dataset.url), timeout=60)
        header: list[str] | None = None
        async for line in lines:
            values = next(csv.reader([line]), [])
            if header is None:
                header = values
                continue
            yield dict(zip(header, values, strict=False))


def _price(row: dict[str, str], column: str, number: int) -> float:
    if column not in row:
        raise JobFailed("ColumnMissing", f"the dataset has no column {column!r}: {sorted(row)}")
    try:
        value = float(row[column])
    except (TypeError, ValueError):
        raise JobFailed(
            "BadValue", f"row {number + 1}: {column}={row[column]!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise JobFailed("BadValue", f"row {number + 1}: {column} is not finite")
    return value


async def analyze(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, AnalysisInput)
    analysis = Analysis.from_state(
        spec.sma_fast, spec.sma_slow, spec.volatility_window, ctx.state.get("analysis", {})
    )
    skip = analysis.rows
    if skip:
        await ctx.log(f"resuming after row {skip}")
    total = spec.dataset.rows if isinstance(spec.dataset, GeneratedSeries) else None
    number = -1
    async for row in _rows(ctx, spec):
        number += 1
        if number < skip:
            continue
        analysis.add(_price(row, spec.column, number))
        if analysis.rows % spec.chunk_rows == 0:
            await ctx.advance(
                done=analysis.rows,
                total=total,
                position=f"row {analysis.rows}",
                state={"analysis": analysis.to_state()},
                step=f"analysed {analysis.rows:,} rows",
            )
    if analysis.rows < 2:
        raise JobFailed("TooFewRows", f"need at least 2 rows, the dataset has {analysis.rows}")
    return AnalysisResult.model_validate(analysis.result(spec.column)).model_dump(mode="json")


EXAMPLE = {
    "type": "analysis",
    "dataset": {"kind": "generated", "rows": 200_000, "seed": 42},
    "column": "close",
    "sma_fast": 20,
    "sma_slow": 100,
}

job_types.register(
    AnalysisInput,
    [Phase("analyze", analyze, weight=1, description="reading and analysing the dataset")],
    result_model=AnalysisResult,
    examples=[EXAMPLE],
)
