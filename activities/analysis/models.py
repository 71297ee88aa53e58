"""The analysis job's input and result: a numeric column of a CSV dataset, and what is
computed over it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from activities.analysis.values import Cell
from activities.files import check_relative
from jobwire.contract.specs import JobInput, SpecModel, SpecUrl


class InlineDataset(SpecModel):
    """Rows given in the spec itself, as objects keyed by column name."""

    kind: Literal["inline"] = "inline"
    rows: list[dict[str, Cell]] = Field(min_length=1, max_length=20_000)


class FileDataset(SpecModel):
    """A CSV file below the worker's files root (header row, one record per line)."""

    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, max_length=500, examples=["prices/acme.csv"])

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        return check_relative(value)


class UrlDataset(SpecModel):
    """A CSV file streamed over http(s) (header row, one record per line)."""

    kind: Literal["url"] = "url"
    url: SpecUrl


class GeneratedDataset(SpecModel):
    """A seeded geometric random walk of prices: the same seed gives the same series."""

    kind: Literal["generated"] = "generated"
    rows: int = Field(default=10_000, ge=2, le=50_000_000)
    seed: int = Field(default=1, ge=-(2**63), lt=2**63)
    start: float = Field(default=100.0, ge=1e-6, le=1e9, description="The first price.")
    drift_bps: float = Field(default=2.0, ge=-1000, le=1000, description="Mean step, bps.")
    volatility_bps: float = Field(default=100.0, ge=0, le=5000, description="Step sigma, bps.")


Dataset = Annotated[
    InlineDataset | FileDataset | UrlDataset | GeneratedDataset, Field(discriminator="kind")
]
Analysis = Literal["stats", "returns", "backtest"]
ALL_ANALYSES: tuple[Analysis, ...] = ("stats", "returns", "backtest")


class AnalysisInput(JobInput):
    """Summary statistics, returns with rolling volatility, and an SMA-crossover backtest over
    one numeric column, read in checkpointed chunks whatever the dataset's size."""

    type: Literal["analysis"] = "analysis"
    dataset: Dataset
    column: str = Field(default="close", min_length=1, max_length=200)
    time_column: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="A column of dates or times (ISO 8601) naming each row: the equity"
        " curve's points then carry them, and its chart a time axis. Not for generated data.",
        examples=["date"],
    )
    analyses: list[Analysis] = Field(default_factory=lambda: list(ALL_ANALYSES), min_length=1)
    quantiles: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: [0.05, 0.25, 0.5, 0.75, 0.95], max_length=50
    )
    window: int = Field(default=20, ge=2, le=1000, description="Rolling volatility window.")
    fast: int = Field(default=10, ge=1, le=1000, description="Fast moving average, rows.")
    slow: int = Field(default=30, ge=2, le=2000, description="Slow moving average, rows.")
    periods_per_year: int = Field(default=252, ge=1, le=1_000_000)
    chunk_rows: int = Field(
        default=10_000, ge=100, le=1_000_000, description="Rows per chunk and checkpoint."
    )

    @field_validator("quantiles")
    @classmethod
    def _ranks(cls, value: list[float]) -> list[float]:
        return sorted(set(value))

    @field_validator("time_column")
    @classmethod
    def _time_needs_a_table(cls, column: str | None, info: ValidationInfo) -> str | None:
        if column is not None and isinstance(info.data.get("dataset"), GeneratedDataset):
            raise ValueError("a generated series has no columns besides its values")
        return column

    @field_validator("slow")
    @classmethod
    def _slower_than_fast(cls, slow: int, info: ValidationInfo) -> int:
        """On ``slow``, not the model, so the error names a field a form can show it beside."""
        fast = info.data.get("fast")
        if fast is not None and fast >= slow:
            raise ValueError(f"must be longer than fast ({fast})")
        return slow


class Stats(BaseModel):
    count: int
    mean: float | None
    std: float | None
    min: float | None
    max: float | None
    quantiles: dict[str, float]


class Returns(BaseModel):
    count: int
    mean: float | None
    std: float | None
    total_return: float | None
    annualized_volatility: float | None
    window: int
    rolling_volatility_last: float | None
    rolling_volatility_min: float | None
    rolling_volatility_max: float | None


TIME_LABEL_CHARS = 40
"""A curve point keeps at most this much of its row's time cell: the curve stays small."""


class EquityPoint(BaseModel):
    row: int
    equity: float
    time: str | None = Field(default=None, description="The row's time cell, if asked for.")
    price: float | None = Field(default=None, description="The column's value at this row.")
    drawdown: float | None = Field(
        default=None, description="1 - equity / its running peak at this row, from 0 up."
    )


class Backtest(BaseModel):
    fast: int
    slow: int
    total_return: float
    sharpe: float | None
    max_drawdown: float
    trades: int
    exposure: float = Field(description="Share of periods in the market.")
    equity_curve: list[EquityPoint]


class AnalysisResult(BaseModel):
    dataset: str
    column: str
    rows: int
    skipped_rows: int = Field(description="Rows whose value was missing or not a number.")
    chunks: int
    stats: Stats | None = None
    returns: Returns | None = None
    backtest: Backtest | None = None
