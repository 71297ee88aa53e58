"""Running aggregates that fit in a checkpoint and give the same answer however the rows
were split into chunks: Welford moments, a DDSketch for quantiles, rolling windows, an SMA
crossover backtest and a bounded equity curve. Each has ``to_state``/``from_state``."""

from __future__ import annotations

import base64
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ddsketch import DDSketch
from ddsketch.pb.ddsketch_pb2 import DDSketch as DDSketchMessage
from ddsketch.pb.proto import DDSketchProto

SKETCH_ACCURACY = 0.005
"""Quantiles within 0.5% of the true value."""
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
CURVE_POINTS = 512
PERIODS_PER_YEAR = 252


@dataclass
class Moments:
    count: int = 0
    mean: float = 0.0
    m2: float = 0.0
    low: float = math.inf
    high: float = -math.inf

    def add(self, x: float) -> None:
        self.count += 1
        delta = x - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (x - self.mean)
        self.low = min(self.low, x)
        self.high = max(self.high, x)

    @property
    def std(self) -> float:
        return math.sqrt(self.m2 / (self.count - 1)) if self.count > 1 else 0.0

    def to_state(self) -> list[float | None]:
        """JSON has no infinity: an empty side is stored as null."""
        finite = [v if math.isfinite(v) else None for v in (self.low, self.high)]
        return [self.count, self.mean, self.m2, *finite]

    @classmethod
    def from_state(cls, data: list[Any]) -> Moments:
        count, mean, m2, low, high = data
        return cls(
            count, mean, m2, math.inf if low is None else low, -math.inf if high is None else high
        )

    def summary(self) -> dict[str, Any]:
        empty = self.count == 0
        return {
            "count": self.count,
            "mean": None if empty else self.mean,
            "std": None if empty else self.std,
            "min": None if empty else self.low,
            "max": None if empty else self.high,
        }


def _roundtrip(sketch: DDSketch) -> tuple[DDSketch, bytes]:
    data = DDSketchProto.to_proto(sketch).SerializeToString()  # type: ignore[no-untyped-call]
    message = DDSketchMessage()
    message.ParseFromString(data)
    return DDSketchProto.from_proto(message), data  # type: ignore[no-untyped-call]


class Sketch:
    """Quantiles from a DDSketch: mergeable, with a relative-error guarantee, deterministic.

    A sketch read back from its protobuf form maps values to buckets slightly differently
    from a new one, and identically ever after; so every sketch here starts from a
    read-back empty one, and a resumed run buckets exactly like an uninterrupted one.
    """

    def __init__(self, sketch: DDSketch | None = None) -> None:
        self.sketch = sketch if sketch is not None else _roundtrip(DDSketch(SKETCH_ACCURACY))[0]

    def add(self, x: float) -> None:
        self.sketch.add(x)

    def quantiles(self) -> dict[str, float] | None:
        if self.sketch.count == 0:
            return None
        found: dict[str, float] = {}
        for q in QUANTILES:
            value = self.sketch.get_quantile_value(q)
            assert value is not None
            found[f"p{round(q * 100):02d}"] = float(value)
        return found

    def to_state(self) -> str:
        return base64.b64encode(_roundtrip(self.sketch)[1]).decode()

    @classmethod
    def from_state(cls, data: str | None) -> Sketch:
        if not data:
            return cls()
        message = DDSketchMessage()
        message.ParseFromString(base64.b64decode(data))
        return cls(DDSketchProto.from_proto(message))  # type: ignore[no-untyped-call]


@dataclass
class Curve:
    """At most ``CURVE_POINTS`` evenly spaced points of a series of any length: when full,
    every other point is dropped and the stride doubles."""

    points: list[list[float]] = field(default_factory=list)
    stride: int = 1

    def add(self, index: int, value: float) -> None:
        if index % self.stride:
            return
        self.points.append([index, round(value, 6)])
        if len(self.points) >= CURVE_POINTS:
            self.points = self.points[::2]
            self.stride *= 2


@dataclass
class Analysis:
    """Everything the analysis job keeps between chunks."""

    fast: int
    slow: int
    vol_window: int
    rows: int = 0
    values: Moments = field(default_factory=Moments)
    sketch: Sketch = field(default_factory=Sketch)
    returns: Moments = field(default_factory=Moments)
    last_price: float | None = None
    recent_returns: deque[float] = field(default_factory=deque)
    last_volatility: float | None = None
    max_volatility: float | None = None
    window: deque[float] = field(default_factory=deque)
    position: int = 0
    equity: float = 1.0
    peak: float = 1.0
    max_drawdown: float = 0.0
    strategy: Moments = field(default_factory=Moments)
    trades: int = 0
    curve: Curve = field(default_factory=Curve)

    def add(self, price: float) -> None:
        self.values.add(price)
        self.sketch.add(price)
        if self.last_price is not None and self.last_price > 0:
            change = price / self.last_price - 1.0
            self.returns.add(change)
            self._volatility(change)
            self._backtest(change)
        self._signal(price)
        self.last_price = price
        self.curve.add(self.rows, self.equity)
        self.rows += 1

    def _volatility(self, change: float) -> None:
        self.recent_returns.append(change)
        if len(self.recent_returns) > self.vol_window:
            self.recent_returns.popleft()
        if len(self.recent_returns) == self.vol_window:
            n = len(self.recent_returns)
            mean = sum(self.recent_returns) / n
            var = sum((r - mean) ** 2 for r in self.recent_returns) / (n - 1)
            vol = math.sqrt(var * PERIODS_PER_YEAR)
            self.last_volatility = vol
            self.max_volatility = (
                vol if self.max_volatility is None else max(self.max_volatility, vol)
            )

    def _backtest(self, change: float) -> None:
        earned = change if self.position else 0.0
        self.strategy.add(earned)
        self.equity *= 1.0 + earned
        self.peak = max(self.peak, self.equity)
        self.max_drawdown = max(self.max_drawdown, 1.0 - self.equity / self.peak)

    def _signal(self, price: float) -> None:
        """Long while the fast SMA is above the slow one; decided on this bar, earned next."""
        self.window.append(price)
        if len(self.window) > self.slow:
            self.window.popleft()
        if len(self.window) < self.slow:
            return
        prices = list(self.window)
        fast = sum(prices[-self.fast :]) / self.fast
        slow = sum(prices) / self.slow
        wanted = 1 if fast > slow else 0
        if wanted != self.position:
            self.trades += 1
            self.position = wanted

    def result(self, column: str) -> dict[str, Any]:
        sharpe = None
        if self.strategy.count > 1 and self.strategy.std > 0:
            sharpe = self.strategy.mean / self.strategy.std * math.sqrt(PERIODS_PER_YEAR)
        return {
            "column": column,
            "rows": self.rows,
            "summary": self.values.summary() | {"quantiles": self.sketch.quantiles()},
            "returns": self.returns.summary()
            | {
                "annualized_volatility": self.returns.std * math.sqrt(PERIODS_PER_YEAR),
                "rolling_window": self.vol_window,
                "last_rolling_volatility": self.last_volatility,
                "max_rolling_volatility": self.max_volatility,
            },
            "backtest": {
                "strategy": f"SMA {self.fast}/{self.slow} crossover, long or flat",
                "total_return": self.equity - 1.0,
                "sharpe": sharpe,
                "max_drawdown": self.max_drawdown,
                "trades": self.trades,
                "equity_curve": self.curve.points,
            },
        }

    def to_state(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "values": self.values.to_state(),
            "returns": self.returns.to_state(),
            "strategy": self.strategy.to_state(),
            "sketch": self.sketch.to_state(),
            "last_price": self.last_price,
            "recent_returns": list(self.recent_returns),
            "last_volatility": self.last_volatility,
            "max_volatility": self.max_volatility,
            "window": list(self.window),
            "position": self.position,
            "equity": self.equity,
            "peak": self.peak,
            "max_drawdown": self.max_drawdown,
            "trades": self.trades,
            "curve": {"points": list(self.curve.points), "stride": self.curve.stride},
        }

    @classmethod
    def from_state(cls, fast: int, slow: int, vol_window: int, state: dict[str, Any]) -> Analysis:
        analysis = cls(fast=fast, slow=slow, vol_window=vol_window)
        if not state:
            return analysis
        analysis.rows = state["rows"]
        analysis.values = Moments.from_state(state["values"])
        analysis.returns = Moments.from_state(state["returns"])
        analysis.strategy = Moments.from_state(state["strategy"])
        analysis.sketch = Sketch.from_state(state["sketch"])
        analysis.last_price = state["last_price"]
        analysis.recent_returns = deque(state["recent_returns"])
        analysis.last_volatility = state["last_volatility"]
        analysis.max_volatility = state["max_volatility"]
        analysis.window = deque(state["window"])
        analysis.position = state["position"]
        analysis.equity = state["equity"]
        analysis.peak = state["peak"]
        analysis.max_drawdown = state["max_drawdown"]
        analysis.trades = state["trades"]
        analysis.curve = Curve(**state["curve"])
        return analysis
