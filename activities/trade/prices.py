"""Where the paper market's prices come from: a seeded random walk or a CSV price file.

Step 0 is the arrival price; the child order of slice ``i`` trades at step ``i + 1``. Both
sources are deterministic, so a resumed job sees exactly the prices it would have seen.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from activities.trade.models import MAX_AMOUNT, MAX_WEIGHT, CsvPrices, RandomWalkPrices
from jobwire.errors import InvalidSpec

TICK = Decimal("0.0001")


def _price(cell: str | None, line: int) -> Decimal:
    """A positive, finite price within the spec's own bound (what a ``Price`` field allows)."""
    try:
        price = Decimal(cell or "").quantize(TICK)
    except (ArithmeticError, ValueError, TypeError):
        price = Decimal("NaN")
    if not price.is_finite() or not 0 < price < MAX_AMOUNT:
        raise InvalidSpec(f"price file line {line}: not a usable price", field="prices.path")
    return price


def _volume(cell: str | None, line: int) -> float:
    try:
        volume = float(cell or "")
    except ValueError:
        volume = math.nan
    if not 0 <= volume <= MAX_WEIGHT:
        raise InvalidSpec(f"price file line {line}: not a usable volume", field="prices.path")
    return volume


class PriceFeed:
    def price_at(self, step: int) -> Decimal:
        raise NotImplementedError

    def volumes(self, count: int) -> list[float] | None:
        """Volumes of steps 1..count, for VWAP weights; ``None`` when the source has none."""
        return None


class RandomWalkFeed(PriceFeed):
    def __init__(self, source: RandomWalkPrices) -> None:
        self.source = source
        self._rng = random.Random(source.seed)
        self._path = [source.start.quantize(TICK)]

    def price_at(self, step: int) -> Decimal:
        sigma = self.source.volatility_bps / 10_000
        while len(self._path) <= step:
            last = float(self._path[-1])
            shock = math.exp(self._rng.gauss(0.0, sigma) - sigma * sigma / 2)
            self._path.append(Decimal(str(last * shock)).quantize(TICK))
        return self._path[step]


@dataclass
class CsvFeed(PriceFeed):
    prices: list[Decimal]
    volume: list[float] | None

    @classmethod
    def load(cls, path: Path, source: CsvPrices, steps: int) -> CsvFeed:
        """Reads the first ``steps`` rows only: a trade needs one price per slice."""
        prices: list[Decimal] = []
        volumes: list[float] = []
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if source.price_column not in columns:
                raise InvalidSpec(
                    f"price file has no column {source.price_column!r} (has {columns})",
                    field="prices.price_column",
                )
            with_volume = source.volume_column is not None and source.volume_column in columns
            try:
                for line, row in enumerate(reader, start=2):
                    prices.append(_price(row[source.price_column], line))
                    if with_volume:
                        volumes.append(_volume(row[str(source.volume_column)], line))
                    if len(prices) >= steps:
                        break
            except csv.Error as exc:  # a stray quote, a field past the csv module's limit
                raise InvalidSpec(f"price file: {exc}", field="prices.path") from None
        if len(prices) < steps:
            raise InvalidSpec(
                f"price file has {len(prices)} rows; this trade needs {steps}",
                field="prices.path",
            )
        return cls(prices=prices, volume=volumes if with_volume else None)

    def price_at(self, step: int) -> Decimal:
        return self.prices[step]

    def volumes(self, count: int) -> list[float] | None:
        return self.volume[1 : count + 1] if self.volume else None
