"""The analysis job's input and result: a numeric column of a CSV dataset, and what is
computed over it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, HttpUrl, ValidationInfo, field_validator

from activities.files import check_relative
from jobwire.contract.specs import JobInput

Cell = float | int | str | None


class InlineDataset(BaseModel):
    """Rows given in the spec itself, as objects keyed by column name."""

    kind: Literal["inline"] = "inline"
    rows: list[dict[str, Cell]] = Field(min_length=1, max_length=20_000)


class FileDataset(BaseModel):
    """A CSV file below the worker's files root (header row, one record per line)."""

    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, max_length=500, examples=["prices/acme.csv"])

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        return check_relative(value)


class UrlDataset(BaseModel):
    """A CSV file streamed over http(s) (header row, one record per line)."""

    kind: Literal["url"] = "url"
    url: HttpUrl


class GeneratedDataset(BaseModel):
    """A seeded geometric random walk of prices: the same seed gives the same series."""

    kind: Literal["generated"] = "generated"
    rows: int = Field(default=10_000, ge=2, le=50_000_000)
    seed: int = 1
    start: float = Field(default=100.0, gt=0)
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
    analyses: list[Analysis] = Field(default_factory=lambda: list(ALL_ANALYSES), min_length=1)
    quantiles: list[float] = Field(
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
        if any(not 0 <= q <= 1 for q in value):
            raise ValueError("quantiles are ranks between 0 and 1")
        return sorted(set(value))

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


class EquityPoint(BaseModel):
    row: int
    equity: float


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
