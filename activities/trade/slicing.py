"""How a parent order is cut into child orders: TWAP (equal slices) or VWAP (by volume)."""

from __future__ import annotations

import math
from decimal import Decimal


def u_shaped_profile(slices: int) -> list[float]:
    """A typical intraday volume curve: busy at the open and the close, quiet at midday."""
    if slices == 1:
        return [1.0]
    return [1.0 + 2.0 * (2.0 * i / (slices - 1) - 1.0) ** 2 for i in range(slices)]


def quantum_of(quantity: Decimal) -> Decimal:
    """The smallest unit the order is expressed in: 1000 trades in 1s, 10.5 in 0.1s."""
    exponent = quantity.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(1).scaleb(min(exponent, 0))


def allocate(quantity: Decimal, weights: list[float]) -> list[Decimal]:
    """Splits ``quantity`` by ``weights`` in whole quanta (largest remainder), summing exactly."""
    quantum = quantum_of(quantity)
    units = int(quantity / quantum)
    total = math.fsum(weights)
    shares = [units * w / total for w in weights]
    whole = [math.floor(s) for s in shares]
    left = units - sum(whole)
    by_remainder = sorted(range(len(weights)), key=lambda i: (whole[i] - shares[i], i))
    for i in by_remainder[:left]:
        whole[i] += 1
    return [quantum * n for n in whole]


def slice_quantities(
    quantity: Decimal,
    slices: int,
    strategy: str,
    profile: list[float] | None,
    market_volumes: list[float] | None,
) -> list[Decimal]:
    if strategy == "twap":
        weights = [1.0] * slices
    elif profile is not None:
        weights = profile
    elif market_volumes and len(market_volumes) == slices and sum(market_volumes) > 0:
        weights = market_volumes
    else:
        weights = u_shaped_profile(slices)
    return allocate(quantity, weights)
