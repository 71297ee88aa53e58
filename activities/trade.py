"""Trade: work an order in slices (TWAP evenly, VWAP by a volume profile) through a broker.

Each slice's child order carries the client order id ``<job id>-s<slice>``; before sending a
slice again a resumed attempt asks the broker whether it already has it, and the paper
broker's idempotent placement backs that up, so a crash never fills an order twice.
Pre-trade risk checks fail the job before any order is sent.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from activities.broker import Broker, PaperBroker
from jobwire.contract.registry import Phase, job_types
from jobwire.contract.specs import JobInput
from jobwire.engine import JobFailed, PhaseContext

DEFAULT_PROFILE = (1.6, 1.2, 1.0, 0.8, 0.7, 0.7, 0.8, 1.0, 1.3, 1.9)
"""A U-shaped intraday volume curve: heavy at the open and the close."""


class TradeInput(JobInput):
    """Executes a parent order as TWAP or VWAP slices with a paper broker."""

    type: Literal["trade"] = "trade"
    symbol: str = Field(pattern=r"^[A-Z][A-Z0-9.]{0,9}$")
    side: Literal["buy", "sell"]
    quantity: int = Field(ge=1, le=10_000_000)
    limit_price: float | None = Field(default=None, gt=0)
    strategy: Literal["twap", "vwap"] = "twap"
    slices: int = Field(default=10, ge=1, le=500)
    duration_seconds: float = Field(default=10.0, ge=0, le=86_400)
    volume_profile: list[float] | None = Field(
        default=None, min_length=1, max_length=500, description="VWAP weights; U-shaped if unset."
    )
    broker: Literal["paper"] = "paper"
    price_seed: int = Field(default=7, description="Seed of the paper broker's price walk.")
    start_price: float = Field(default=100.0, gt=0)
    max_notional: float = Field(default=10_000_000.0, gt=0, description="Risk: largest value.")
    price_band_pct: float = Field(
        default=10.0, gt=0, le=100, description="Risk: limit within this % of arrival."
    )

    @model_validator(mode="after")
    def _slices_fit(self) -> TradeInput:
        if self.slices > self.quantity:
            raise ValueError("slices cannot exceed quantity")
        if self.volume_profile is not None and any(w <= 0 for w in self.volume_profile):
            raise ValueError("volume_profile weights must be positive")
        return self


class SliceFill(BaseModel):
    slice: int
    client_order_id: str
    quantity: int
    filled_quantity: int
    price: float | None


class TradeResult(BaseModel):
    symbol: str
    side: str
    strategy: str
    quantity: int
    filled_quantity: int
    average_price: float | None
    arrival_price: float
    slippage_bps: float | None = Field(description="Against arrival; positive costs money.")
    fills: list[SliceFill]


def slice_sizes(spec: TradeInput) -> list[int]:
    """Integer child quantities summing exactly to the parent quantity."""
    if spec.strategy == "twap":
        weights = [1.0] * spec.slices
    else:
        profile = list(spec.volume_profile or DEFAULT_PROFILE)
        weights = [profile[int(i * len(profile) / spec.slices)] for i in range(spec.slices)]
    total = sum(weights)
    raw = [spec.quantity * w / total for w in weights]
    sizes = [max(1, math.floor(x)) for x in raw]
    shortfall = spec.quantity - sum(sizes)
    by_remainder = sorted(
        range(spec.slices), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True
    )
    step = 1 if shortfall > 0 else -1
    i = 0
    while shortfall != 0:
        index = by_remainder[i % spec.slices]
        if step > 0 or sizes[index] > 1:
            sizes[index] += step
            shortfall -= step
        i += 1
    return sizes


def broker_for(ctx: PhaseContext) -> Broker:
    spec = ctx.spec
    assert isinstance(spec, TradeInput) and ctx.resources.redis is not None
    return PaperBroker(
        ctx.resources.redis, ctx.job_id, seed=spec.price_seed, start_price=spec.start_price
    )


def client_order_id(job_id: str, slice_index: int) -> str:
    return f"{job_id}-s{slice_index}"


async def risk(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, TradeInput)
    await ctx.set_step("pre-trade risk checks")
    arrival = await broker_for(ctx).quote(spec.symbol, 0)
    notional = spec.quantity * (spec.limit_price or arrival)
    if notional > spec.max_notional:
        raise JobFailed(
            "RiskCheckFailed",
            f"order value {notional:,.2f} exceeds the maximum notional {spec.max_notional:,.2f}",
        )
    if spec.limit_price is not None:
        band = arrival * spec.price_band_pct / 100
        if abs(spec.limit_price - arrival) > band:
            raise JobFailed(
                "RiskCheckFailed",
                f"limit {spec.limit_price} is outside the {spec.price_band_pct}% band around "
                f"the arrival price {arrival}",
            )
    await ctx.log(f"risk checks passed; arrival price {arrival}")
    return {"arrival_price": arrival, "sizes": slice_sizes(spec)}


async def execute(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, TradeInput)
    broker = broker_for(ctx)
    sizes: list[int] = ctx.previous["risk"]["sizes"]
    pause = spec.duration_seconds / spec.slices
    start = int(ctx.state.get("next", 0))
    for index in range(start, len(sizes)):
        order_id = client_order_id(ctx.job_id, index)
        order = await broker.find(order_id)
        if order is None:
            order = await broker.place(
                order_id,
                symbol=spec.symbol,
                side=spec.side,
                quantity=sizes[index],
                limit_price=spec.limit_price,
                slice=index,
            )
        else:
            await ctx.log(f"slice {index + 1} was already at the broker; not sent again")
        await ctx.advance(
            done=index + 1,
            total=len(sizes),
            position=f"slice {index + 1} of {len(sizes)}",
            state={"next": index + 1},
            step=f"slice {index + 1}/{len(sizes)}: {order.filled_quantity} @ {order.fill_price}",
            force=True,
        )
        if index + 1 < len(sizes):
            await asyncio.sleep(pause)
    return {"slices": len(sizes)}


async def settle(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, TradeInput)
    await ctx.set_step("settling fills")
    orders = await broker_for(ctx).orders()
    filled = sum(o.filled_quantity for o in orders)
    value = sum(o.filled_quantity * (o.fill_price or 0.0) for o in orders)
    average = round(value / filled, 6) if filled else None
    arrival = float(ctx.previous["risk"]["arrival_price"])
    slippage = None
    if average is not None:
        sign = 1 if spec.side == "buy" else -1
        slippage = round(sign * (average - arrival) / arrival * 10_000, 3)
    result = TradeResult(
        symbol=spec.symbol,
        side=spec.side,
        strategy=spec.strategy,
        quantity=spec.quantity,
        filled_quantity=filled,
        average_price=average,
        arrival_price=arrival,
        slippage_bps=slippage,
        fills=[
            SliceFill(
                slice=o.slice,
                client_order_id=o.client_order_id,
                quantity=o.quantity,
                filled_quantity=o.filled_quantity,
                price=o.fill_price,
            )
            for o in orders
        ],
    )
    return result.model_dump(mode="json")


EXAMPLE = {
    "type": "trade",
    "symbol": "ACME",
    "side": "buy",
    "quantity": 1000,
    "strategy": "vwap",
    "slices": 10,
    "duration_seconds": 5,
}

job_types.register(
    TradeInput,
    [
        Phase("risk", risk, weight=1, description="pre-trade risk checks"),
        Phase("execute", execute, weight=8, description="sending child orders"),
        Phase("settle", settle, weight=1, description="settling fills"),
    ],
    result_model=TradeResult,
    examples=[EXAMPLE],
)
