"""The broker interface a trade talks to, and a paper broker whose book lives in Redis.

Orders are keyed by a client order id the trade derives from job id and slice, and placing
is idempotent (``HSETNX``): a slice sent again after a crash finds its first order instead
of filling twice. Prices are a seeded random walk, so a run is reproducible and needs no
network, and the book outlives any worker process.
"""

from __future__ import annotations

import json
import math
import random
from typing import Literal, Protocol

from pydantic import BaseModel
from redis.asyncio import Redis

Side = Literal["buy", "sell"]


class Order(BaseModel):
    client_order_id: str
    symbol: str
    side: Side
    quantity: int
    limit_price: float | None
    filled_quantity: int
    fill_price: float | None
    slice: int


class Broker(Protocol):
    async def quote(self, symbol: str, tick: int) -> float: ...

    async def find(self, client_order_id: str) -> Order | None: ...

    async def place(
        self,
        client_order_id: str,
        *,
        symbol: str,
        side: Side,
        quantity: int,
        limit_price: float | None,
        slice: int,
    ) -> Order: ...

    async def orders(self) -> list[Order]: ...


class PaperBroker:
    """Fills at the walk's price for the slice, honouring a limit price; one book per job."""

    def __init__(self, redis: Redis, book: str, *, seed: int, start_price: float) -> None:
        self._redis = redis
        self._orders_key = f"jobwire:paper:{book}:orders"
        self._sends_key = f"jobwire:paper:{book}:sends"
        self._seed = seed
        self._start = start_price

    async def quote(self, symbol: str, tick: int) -> float:
        walk = random.Random(f"{self._seed}:{symbol}")
        log_price = math.log(self._start)
        for _ in range(tick):
            log_price += walk.gauss(0.0, 0.002)
        return round(math.exp(log_price), 4)

    async def find(self, client_order_id: str) -> Order | None:
        raw = await self._redis.hget(self._orders_key, client_order_id)
        return Order.model_validate_json(raw) if raw else None

    async def place(
        self,
        client_order_id: str,
        *,
        symbol: str,
        side: Side,
        quantity: int,
        limit_price: float | None,
        slice: int,
    ) -> Order:
        price = await self.quote(symbol, slice + 1)
        marketable = limit_price is None or (
            price <= limit_price if side == "buy" else price >= limit_price
        )
        order = Order(
            client_order_id=client_order_id,
            symbol=symbol,
            side=side,
            quantity=quantity,
            limit_price=limit_price,
            filled_quantity=quantity if marketable else 0,
            fill_price=price if marketable else None,
            slice=slice,
        )
        created = await self._redis.hsetnx(
            self._orders_key, client_order_id, order.model_dump_json()
        )
        await self._redis.hincrby(self._sends_key, client_order_id, 1)
        if not created:
            existing = await self.find(client_order_id)
            assert existing is not None
            return existing
        return order

    async def orders(self) -> list[Order]:
        raw = await self._redis.hgetall(self._orders_key)
        found = [Order.model_validate(json.loads(value)) for value in raw.values()]
        return sorted(found, key=lambda order: order.slice)
