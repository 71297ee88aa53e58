"""What a broker must offer a trade job, and the child order it is sent.

The contract that makes crashes harmless: ``place_order`` is idempotent by
``client_order_id`` (a second call with the same id returns the first order, never a second
fill), and ``get_order`` answers what the broker already has for an id, so a resumed slice
asks before it places.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Protocol

from pydantic import BaseModel


class ChildOrder(BaseModel):
    client_order_id: str
    parent_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: Decimal
    limit_price: Decimal | None = None
    step: int = 0


class OrderState(BaseModel):
    client_order_id: str
    status: Literal["filled", "rejected"]
    filled_quantity: Decimal
    price: Decimal | None = None
    ts: str
    reason: str | None = None


class Broker(Protocol):
    name: str

    async def arrival_price(self, symbol: str) -> Decimal:
        """The market price before the first child order."""
        ...

    async def get_order(self, client_order_id: str) -> OrderState | None:
        """What the broker has for this id, or ``None`` if it never received it."""
        ...

    async def place_order(self, order: ChildOrder) -> OrderState:
        """Sends the order; idempotent by ``client_order_id``."""
        ...


SLICE_MARK = ":slice-"


def client_order_id(job_id: str, slice_index: int) -> str:
    """The child order's id: the same job and slice always give the same id."""
    return f"{job_id}{SLICE_MARK}{slice_index:04d}"


def parent_of(client_order_id: str) -> str:
    """The job a child order belongs to (the whole id, for one not made here)."""
    return client_order_id.rpartition(SLICE_MARK)[0] or client_order_id
