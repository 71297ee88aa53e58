"""The built-in paper broker: orders and fills live in Redis, so they outlive any worker.

It fills a child order in full at the paper market's price for the order's step, moved by a
half spread against the trader, unless a limit price forbids it (then it is rejected). One
Lua script stores the order and logs its fill in a single atomic step, and does nothing if
the client order id is already known: a duplicate send can never fill twice.
"""

from __future__ import annotations

from decimal import Decimal

from redis.asyncio import Redis

from activities.trade.broker import ChildOrder, OrderState, parent_of
from activities.trade.prices import TICK, PriceFeed
from jobwire.contract.events import utc_now

HALF_SPREAD_BPS = Decimal("1")

_PLACE = """
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
if ARGV[2] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return ARGV[1]
"""


def order_key(client_order_id: str) -> str:
    """Tagged with its parent, so the placing script's two keys share a Redis Cluster slot."""
    return f"jobwire:paper:{{{parent_of(client_order_id)}}}:order:{client_order_id}"


def fills_key(parent_id: str) -> str:
    """Every fill of a parent order's children, in the order they happened (an audit log)."""
    return f"jobwire:paper:{{{parent_id}}}:fills"


class PaperBroker:
    name = "paper"

    def __init__(self, redis: Redis, market: PriceFeed, ttl_seconds: int) -> None:
        self._redis = redis
        self._market = market
        self._ttl = ttl_seconds
        self._place = redis.register_script(_PLACE)

    async def arrival_price(self, symbol: str) -> Decimal:
        return self._market.price_at(0)

    async def get_order(self, client_order_id: str) -> OrderState | None:
        raw = await self._redis.get(order_key(client_order_id))
        return None if raw is None else OrderState.model_validate_json(raw)

    async def place_order(self, order: ChildOrder) -> OrderState:
        state = self._execute(order)
        fill = state.model_dump_json() if state.status == "filled" else ""
        stored = await self._place(
            keys=[order_key(order.client_order_id), fills_key(order.parent_id)],
            args=[state.model_dump_json(), fill, self._ttl],
        )
        return OrderState.model_validate_json(stored)

    def _execute(self, order: ChildOrder) -> OrderState:
        market = self._market.price_at(order.step)
        sign = 1 if order.side == "buy" else -1
        price = (market * (1 + sign * HALF_SPREAD_BPS / 10_000)).quantize(TICK)
        now = utc_now().isoformat()
        limit = order.limit_price
        if limit is not None and (price > limit if order.side == "buy" else price < limit):
            return OrderState(
                client_order_id=order.client_order_id,
                status="rejected",
                filled_quantity=Decimal(0),
                ts=now,
                reason=f"market {price} is beyond the limit {limit}",
            )
        return OrderState(
            client_order_id=order.client_order_id,
            status="filled",
            filled_quantity=order.quantity,
            price=price,
            ts=now,
        )
