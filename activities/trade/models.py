"""The trade job's input and result: a parent order worked in slices through a broker."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from activities.files import check_relative
from jobwire.contract.specs import JobInput, SpecModel

MAX_AMOUNT = Decimal(10) ** 12
"""What 18 digits with 6 decimals can hold, published as a bound a form can show."""
Qty = Annotated[Decimal, Field(gt=0, lt=MAX_AMOUNT, max_digits=18, decimal_places=6)]
Price = Annotated[Decimal, Field(gt=0, lt=MAX_AMOUNT, max_digits=18, decimal_places=6)]
MAX_WEIGHT = 1e9
"""A VWAP weight's bound: a thousand of them still sum to a finite float."""


class RandomWalkPrices(SpecModel):
    """Prices from a seeded random walk: the same seed gives the same prices, always."""

    kind: Literal["random_walk"] = "random_walk"
    start: Price = Decimal("100")
    volatility_bps: float = Field(default=10.0, ge=0, le=1000, description="Per-step sigma.")
    seed: int = Field(default=7, ge=-(2**63), lt=2**63)


class CsvPrices(SpecModel):
    """Prices (and optionally volumes) from a CSV file below the files root, one row a step."""

    kind: Literal["csv"] = "csv"
    path: str = Field(min_length=1, max_length=500)
    price_column: str = Field(default="price", min_length=1, max_length=200)
    volume_column: str | None = Field(
        max_length=200, default="volume", description="Volumes weight VWAP slices when present."
    )

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        return check_relative(value)


PriceSource = Annotated[RandomWalkPrices | CsvPrices, Field(discriminator="kind")]


class TradeInput(JobInput):
    """Works a parent order in child orders over time (TWAP or VWAP) through a broker; each
    child order's client id is derived from the job and slice, so nothing fills twice."""

    type: Literal["trade"] = "trade"
    symbol: str = Field(pattern=r"^[A-Z][A-Z0-9.\-]{0,14}$", examples=["ACME"])
    side: Literal["buy", "sell"]
    quantity: Qty
    limit_price: Price | None = Field(
        default=None, description="No child order fills beyond this price."
    )
    strategy: Literal["twap", "vwap"] = "twap"
    slices: int = Field(default=10, ge=1, le=1000)
    duration_seconds: float = Field(
        default=60.0, ge=0, le=7 * 24 * 3600, description="The slices spread over this time."
    )
    volume_profile: list[Annotated[float, Field(ge=0, le=MAX_WEIGHT)]] | None = Field(
        default=None,
        max_length=1000,
        description="VWAP weights, one per slice; default: the price file's volumes, or a"
        " U-shaped intraday curve.",
    )
    broker: Literal["paper"] = "paper"
    prices: PriceSource = Field(default_factory=RandomWalkPrices)

    @field_validator("volume_profile")
    @classmethod
    def _profile_matches(
        cls, profile: list[float] | None, info: ValidationInfo
    ) -> list[float] | None:
        """On the field, not the model, so the error names a field a form can show it beside."""
        if profile is None:
            return None
        slices = info.data.get("slices")
        if slices is not None and len(profile) != slices:
            raise ValueError(f"volume_profile has {len(profile)} weights for {slices} slices")
        if any(w < 0 for w in profile) or sum(profile) <= 0:
            raise ValueError("volume_profile needs non-negative weights with a positive sum")
        return profile


class Fill(BaseModel):
    slice: int
    client_order_id: str
    quantity: Decimal
    price: Decimal
    ts: str


class SliceReport(BaseModel):
    slice: int
    client_order_id: str
    target_quantity: Decimal
    filled_quantity: Decimal
    price: Decimal | None
    status: str
    reason: str | None = None


class PricePoint(BaseModel):
    step: int = Field(description="0 is arrival; slice i's child order trades at step i + 1.")
    price: Decimal


class TradeResult(BaseModel):
    symbol: str
    side: str
    strategy: str
    broker: str
    quantity: Decimal
    filled_quantity: Decimal
    average_price: Decimal | None
    arrival_price: Decimal
    slippage_bps: float | None = Field(description="Against the arrival price; + is worse.")
    fills: list[Fill]
    slices: list[SliceReport]
    price_path: list[PricePoint] = Field(
        default_factory=list,
        description="The market's price from arrival to the last slice, at most 501 steps.",
    )
