"""The trade job's phases: pre-trade checks, slice execution, settlement against the broker.

Idempotency: ``check`` and ``settle`` only read. ``execute`` sends child orders; each carries
``client_order_id(job, slice)``, and before sending a slice it asks the broker whether it
already has that id. A crash between the broker's fill and the next checkpoint therefore
finds the fill instead of sending again, and the paper broker refuses a duplicate id anyway.
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from typing import Any

from activities.files import resolve_under_root
from activities.runtime import JobFailed, PhaseContext
from activities.trade.broker import Broker, ChildOrder, OrderState, client_order_id
from activities.trade.models import CsvPrices, Fill, SliceReport, TradeInput, TradeResult
from activities.trade.paper import PaperBroker
from activities.trade.path import price_path
from activities.trade.prices import CsvFeed, PriceFeed, RandomWalkFeed
from activities.trade.risk import check_risk
from activities.trade.settings import TradeSettings
from activities.trade.slicing import slice_quantities
from jobwire.contract.events import utc_now


def _spec(ctx: PhaseContext) -> TradeInput:
    spec = ctx.spec
    assert isinstance(spec, TradeInput)
    return spec


def price_feed(ctx: PhaseContext, spec: TradeInput) -> PriceFeed:
    if isinstance(spec.prices, CsvPrices):
        path = resolve_under_root(ctx.resources.settings, spec.prices.path, field="prices.path")
        return CsvFeed.load(path, spec.prices, spec.slices + 1)
    return RandomWalkFeed(spec.prices)


def broker_for(ctx: PhaseContext, spec: TradeInput, feed: PriceFeed) -> Broker:
    """The broker the spec names; ``paper`` is the only built-in one."""
    redis = ctx.resources.redis
    if redis is None:
        raise JobFailed("BrokerUnavailable", "the paper broker needs Redis; none is configured")
    return PaperBroker(redis, feed, ctx.settings(TradeSettings).paper_broker_ttl_seconds)


async def check(ctx: PhaseContext) -> dict[str, Any]:
    """Arrival price, slice plan and the pre-trade risk checks; no order is sent here."""
    spec = _spec(ctx)
    feed = price_feed(ctx, spec)
    broker = broker_for(ctx, spec, feed)
    arrival = await broker.arrival_price(spec.symbol)
    check_risk(spec, arrival, ctx.settings(TradeSettings), utc_now())
    plan = slice_quantities(
        spec.quantity, spec.slices, spec.strategy, spec.volume_profile, feed.volumes(spec.slices)
    )
    await ctx.log(
        f"{spec.side} {spec.quantity} {spec.symbol} by {spec.strategy.upper()} in"
        f" {spec.slices} slices; arrival price {arrival}"
    )
    await ctx.advance(done=1, total=1, position="risk checks passed", state={}, force=True)
    return {"arrival_price": str(arrival), "plan": [str(q) for q in plan]}


async def execute(ctx: PhaseContext) -> dict[str, Any]:
    """Sends one child order per slice, spaced over the duration, checkpointing after each."""
    spec = _spec(ctx)
    broker = broker_for(ctx, spec, price_feed(ctx, spec))
    plan = [Decimal(q) for q in ctx.previous["check"]["plan"]]
    interval = spec.duration_seconds / spec.slices
    state = ctx.state
    start = int(state.get("next_slice", 0))
    orders: dict[str, Any] = dict(state.get("orders", {}))
    last_sent = state.get("last_sent_at")
    for index in range(start, spec.slices):
        if last_sent is not None:
            await asyncio.sleep(max(0.0, float(last_sent) + interval - time.time()))
        order_id = client_order_id(ctx.job_id, index)
        placed = await _send_once(broker, ctx, spec, index, order_id=order_id, quantity=plan[index])
        if placed is not None:
            orders[str(index)] = placed.model_dump(mode="json")
        last_sent = time.time()
        await ctx.advance(
            done=index + 1,
            total=spec.slices,
            position=f"slice {index + 1} of {spec.slices}",
            state={"next_slice": index + 1, "orders": orders, "last_sent_at": last_sent},
            force=True,
        )
    return {"orders": orders}


async def _send_once(
    broker: Broker,
    ctx: PhaseContext,
    spec: TradeInput,
    index: int,
    *,
    order_id: str,
    quantity: Decimal,
) -> OrderState | None:
    """The slice's order as the broker has it: asked first, sent only if it has none."""
    if quantity <= 0:
        return None
    known = await broker.get_order(order_id)
    if known is not None:
        await ctx.log(f"slice {index + 1}: the broker already has {order_id}; not sent again")
        return known
    order = ChildOrder(
        client_order_id=order_id,
        parent_id=ctx.job_id,
        symbol=spec.symbol,
        side=spec.side,
        quantity=quantity,
        limit_price=spec.limit_price,
        step=index + 1,
    )
    return await broker.place_order(order)


async def settle(ctx: PhaseContext) -> dict[str, Any]:
    """Reconciles with the broker, the truth about fills, and computes the trade's figures."""
    spec = _spec(ctx)
    feed = price_feed(ctx, spec)
    broker = broker_for(ctx, spec, feed)
    plan = [Decimal(q) for q in ctx.previous["check"]["plan"]]
    arrival = Decimal(ctx.previous["check"]["arrival_price"])
    fills: list[Fill] = []
    slices: list[SliceReport] = []
    for index, target in enumerate(plan):
        order_id = client_order_id(ctx.job_id, index)
        state = await broker.get_order(order_id) if target > 0 else None
        slices.append(_slice_report(index, order_id, target, state))
        if state is not None and state.status == "filled" and state.price is not None:
            fills.append(
                Fill(
                    slice=index,
                    client_order_id=order_id,
                    quantity=state.filled_quantity,
                    price=state.price,
                    ts=state.ts,
                )
            )
    result = _trade_result(spec, arrival, fills, slices)
    result.price_path = price_path(feed, spec.slices)
    await ctx.log(
        f"filled {result.filled_quantity} of {spec.quantity} {spec.symbol}"
        f" at {result.average_price}"
    )
    return result.model_dump(mode="json")


def _slice_report(
    index: int, order_id: str, target: Decimal, state: OrderState | None
) -> SliceReport:
    """What became of one slice: the broker's order, or why there is none."""
    if state is None:
        return SliceReport(
            slice=index,
            client_order_id=order_id,
            target_quantity=target,
            filled_quantity=Decimal(0),
            price=None,
            status="skipped" if target <= 0 else "missing",
        )
    return SliceReport(
        slice=index,
        client_order_id=order_id,
        target_quantity=target,
        filled_quantity=state.filled_quantity,
        price=state.price,
        status=state.status,
        reason=state.reason,
    )


def _trade_result(
    spec: TradeInput, arrival: Decimal, fills: list[Fill], slices: list[SliceReport]
) -> TradeResult:
    """The trade's figures from its fills: quantity, average price, slippage against arrival."""
    filled = sum((f.quantity for f in fills), Decimal(0))
    average = (
        (sum((f.quantity * f.price for f in fills), Decimal(0)) / filled).quantize(
            Decimal("0.000001")
        )
        if filled
        else None
    )
    slippage = None
    if average is not None:
        sign = 1 if spec.side == "buy" else -1
        slippage = round(float(sign * (average - arrival) / arrival * 10_000), 4)
    return TradeResult(
        symbol=spec.symbol,
        side=spec.side,
        strategy=spec.strategy,
        broker=spec.broker,
        quantity=spec.quantity,
        filled_quantity=filled,
        average_price=average,
        arrival_price=arrival,
        slippage_bps=slippage,
        fills=fills,
        slices=slices,
    )
