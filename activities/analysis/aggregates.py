"""Running aggregates over a stream of values, as pure functions of a JSON-ready state.

``update(state, values)`` folds one chunk into the state and returns the new state;
``summarize(state)`` turns it into the result. The state is all a checkpoint carries, and an
uninterrupted run passes it through the very same JSON round trip at every chunk boundary,
so a resumed run computes exactly what an uninterrupted one does. Quantiles come from a
t-digest (Apache DataSketches): mergeable, a few kilobytes whatever the row count, and
deterministic for the same chunks.
"""

from __future__ import annotations

import base64
import math
from collections import deque
from typing import Any

import numpy as np
from datasketches import tdigest_double

from activities.analysis.models import (
    TIME_LABEL_CHARS,
    AnalysisInput,
    Backtest,
    EquityPoint,
    Returns,
    Stats,
)
from jobwire.errors import JobFailed

MAX_MAGNITUDE = 1e150
"""Values and returns beyond ± this are refused with a final error: their squares, and sums
of squares over billions of rows, would overflow float64, and a checkpoint holding an
infinity cannot be resumed from."""
CURVE_POINTS = 500
"""The equity curve keeps at most this many points: when full, every other one goes. Each
point also carries the price and the drawdown at its row, so a chart draws the price series
and shades drawdowns from the same bounded list."""
DIGEST_K = 200


def new_state(spec: AnalysisInput) -> dict[str, Any]:
    return {
        "rows": 0,
        "skipped": 0,
        "chunks": 0,
        "stats": {"n": 0, "mean": 0.0, "m2": 0.0, "min": None, "max": None, "digest": None},
        "returns": {
            "prev": None,
            "first": None,
            "last": None,
            "n": 0,
            "mean": 0.0,
            "m2": 0.0,
            "window": [],
            "w_sum": 0.0,
            "w_sq": 0.0,
            "vol_last": None,
            "vol_min": None,
            "vol_max": None,
        },
        "backtest": {
            "fast": [],
            "slow": [],
            "f_sum": 0.0,
            "s_sum": 0.0,
            "position": 0,
            "equity": 1.0,
            "peak": 1.0,
            "max_drawdown": 0.0,
            "n": 0,
            "mean": 0.0,
            "m2": 0.0,
            "trades": 0,
            "exposed": 0,
            "curve": [],
            "stride": 1,
        },
    }


def update(
    spec: AnalysisInput,
    state: dict[str, Any],
    values: list[float | None],
    times: list[str | None] | None = None,
) -> dict[str, Any]:
    """Folds one chunk of values (``None`` for a missing or non-numeric cell), and each one's
    time cell if the spec names a time column, into ``state``."""
    first_row = int(state["rows"])
    _refuse_out_of_range(values, first_row)
    valid = [v for v in values if v is not None]
    state["rows"] = first_row + len(values)
    state["skipped"] = int(state["skipped"]) + len(values) - len(valid)
    state["chunks"] = int(state["chunks"]) + 1
    if "stats" in spec.analyses and valid:
        _update_stats(state["stats"], np.asarray(valid, dtype=np.float64))
    if "returns" in spec.analyses or "backtest" in spec.analyses:
        _update_series(spec, state["returns"], state["backtest"], values, first_row, times)
    return state


def _refuse_out_of_range(values: list[float | None], first_row: int) -> None:
    """Fails the job, naming the first row whose value no aggregate could hold."""
    for offset, value in enumerate(values):
        if value is not None and not abs(value) <= MAX_MAGNITUDE:
            raise JobFailed(
                "ValueOutOfRange",
                f"row {first_row + offset + 1}: {value:g} is beyond ±{MAX_MAGNITUDE:g},"
                " where the squares of values overflow",
            )


def _update_stats(s: dict[str, Any], chunk: np.ndarray[Any, np.dtype[np.float64]]) -> None:
    """Chan et al.'s parallel update of count, mean and sum of squares, plus the digest.

    Values are within ``MAX_MAGNITUDE``, so sums stay finite; a spread still too wide for
    float64 (squares summed over billions of rows) fails the job with its reason."""
    n_b = int(chunk.size)
    mean_b = float(chunk.mean())
    with np.errstate(over="ignore", invalid="ignore"):
        m2_b = float(((chunk - mean_b) ** 2).sum())
    n_a, mean_a, m2_a = int(s["n"]), float(s["mean"]), float(s["m2"])
    n = n_a + n_b
    delta = mean_b - mean_a
    s["mean"] = mean_a + delta * n_b / n
    s["m2"] = m2_a + m2_b + delta * delta * (n_a * n_b / n)
    s["n"] = n
    if not math.isfinite(s["m2"]):
        raise JobFailed(
            "NumericOverflow",
            f"rows up to {n}: the values' sum of squared deviations overflows float64",
        )
    low, high = float(chunk.min()), float(chunk.max())
    s["min"] = low if s["min"] is None else min(float(s["min"]), low)
    s["max"] = high if s["max"] is None else max(float(s["max"]), high)
    digest = _digest(s["digest"])
    digest.update(chunk)
    s["digest"] = base64.b64encode(digest.serialize()).decode("ascii")


def _digest(encoded: str | None) -> tdigest_double:
    if encoded is None:
        return tdigest_double(DIGEST_K)
    return tdigest_double.deserialize(base64.b64decode(encoded))


def _welford(s: dict[str, Any], x: float) -> None:
    n = s["n"] + 1
    delta = x - s["mean"]
    s["mean"] += delta / n
    s["m2"] += delta * (x - s["mean"])
    s["n"] = n


def _update_series(
    spec: AnalysisInput,
    r: dict[str, Any],
    b: dict[str, Any],
    values: list[float | None],
    first_row: int,
    times: list[str | None] | None,
) -> None:
    """Returns, rolling volatility and the SMA crossover, one row at a time (they are serial).

    Windows keep running sums, so a row costs the same whatever the window length."""
    window: deque[float] = deque(r["window"])
    fast: deque[float] = deque(b["fast"])
    slow: deque[float] = deque(b["slow"])
    scale = math.sqrt(spec.periods_per_year)
    backtest = "backtest" in spec.analyses
    for offset, price in enumerate(values):
        if price is None or price <= 0:
            continue
        prev = r["prev"]
        r["prev"] = price
        if r["first"] is None:
            r["first"] = price
        r["last"] = price
        if prev is not None:
            ret = _checked_return(prev, price, first_row + offset + 1)
            _add_return(spec, r, window, ret, scale)
            if backtest:
                _earn(b, ret, first_row + offset + 1)
        if backtest:
            _follow_crossover(spec, b, fast, slow, price)
            time = times[offset] if times else None
            _add_curve_point(b, first_row + offset, price, time)
    r["window"], b["fast"], b["slow"] = list(window), list(fast), list(slow)


def _checked_return(prev: float, price: float, row: int) -> float:
    """``price / prev - 1``, refused when it leaves the range its square stays finite in."""
    with np.errstate(over="ignore"):
        ret = price / prev - 1.0
    if not abs(ret) <= MAX_MAGNITUDE:
        raise JobFailed(
            "ValueOutOfRange",
            f"row {row}: the return from {prev:g} to {price:g} is beyond ±{MAX_MAGNITUDE:g}",
        )
    return ret


def _add_return(
    spec: AnalysisInput, r: dict[str, Any], window: deque[float], ret: float, scale: float
) -> None:
    """One return into the running moments and the rolling volatility window."""
    _welford(r, ret)
    window.append(ret)
    r["w_sum"] += ret
    r["w_sq"] += ret * ret
    if len(window) > spec.window:
        old = window.popleft()
        r["w_sum"] -= old
        r["w_sq"] -= old * old
    if len(window) == spec.window:
        n = spec.window
        variance = max((r["w_sq"] - r["w_sum"] * r["w_sum"] / n) / (n - 1), 0.0)
        vol = math.sqrt(variance) * scale
        r["vol_last"] = vol
        r["vol_min"] = vol if r["vol_min"] is None else min(r["vol_min"], vol)
        r["vol_max"] = vol if r["vol_max"] is None else max(r["vol_max"], vol)


def _earn(b: dict[str, Any], ret: float, row: int) -> None:
    """Yesterday's signal earns today's return: no look-ahead. Equity, drawdown, exposure."""
    earned = ret if b["position"] else 0.0
    b["equity"] *= 1.0 + earned
    if not math.isfinite(b["equity"]):
        raise JobFailed("NumericOverflow", f"row {row}: the backtest's equity overflows float64")
    b["peak"] = max(b["peak"], b["equity"])
    drawdown = 1.0 - b["equity"] / b["peak"]
    b["max_drawdown"] = max(b["max_drawdown"], drawdown)
    b["exposed"] += b["position"]
    _welford(b, earned)


def _follow_crossover(
    spec: AnalysisInput, b: dict[str, Any], fast: deque[float], slow: deque[float], price: float
) -> None:
    """The two moving averages take the price; the position follows their crossing."""
    fast.append(price)
    slow.append(price)
    b["f_sum"] += price
    b["s_sum"] += price
    if len(fast) > spec.fast:
        b["f_sum"] -= fast.popleft()
    if len(slow) > spec.slow:
        b["s_sum"] -= slow.popleft()
    if len(slow) == spec.slow:
        signal = 1 if b["f_sum"] / spec.fast > b["s_sum"] / spec.slow else 0
        if signal != b["position"]:
            b["trades"] += 1
            b["position"] = signal


def _add_curve_point(b: dict[str, Any], row: int, price: float, time: str | None) -> None:
    time = time[:TIME_LABEL_CHARS] if time else None
    b["last_price"], b["last_time"] = price, time
    stride = int(b["stride"])
    if row % stride:
        return
    curve: list[list[Any]] = b["curve"]
    curve.append([row, round(float(b["equity"]), 10), price, _drawdown(b), time])
    if len(curve) > CURVE_POINTS:
        b["curve"] = curve[::2]
        b["stride"] = stride * 2


def _drawdown(b: dict[str, Any]) -> float:
    """How far equity stands below its running peak, exact at this row (a chart that took it
    from the sampled points alone would miss peaks between them)."""
    return round(1.0 - float(b["equity"]) / float(b["peak"]), 10)


def _curve_point(point: list[Any]) -> EquityPoint:
    """A stored point; one from a checkpoint taken before points had a price has none."""
    price, drawdown, time = [*point[2:5], None, None, None][:3]
    return EquityPoint(
        row=int(point[0]), equity=point[1], price=price, drawdown=drawdown, time=time
    )


def _std(s: dict[str, Any]) -> float | None:
    n = int(s["n"])
    return math.sqrt(float(s["m2"]) / (n - 1)) if n > 1 else None


def summarize_stats(spec: AnalysisInput, s: dict[str, Any]) -> Stats:
    quantiles: dict[str, float] = {}
    if s["digest"] is not None:
        digest = _digest(s["digest"])
        for q in spec.quantiles:
            quantiles[f"p{q * 100:g}"] = float(digest.get_quantile(q))
    n = int(s["n"])
    return Stats(
        count=n,
        mean=float(s["mean"]) if n else None,
        std=_std(s),
        min=s["min"],
        max=s["max"],
        quantiles=quantiles,
    )


def summarize_returns(spec: AnalysisInput, r: dict[str, Any]) -> Returns:
    std = _std(r)
    total = r["last"] / r["first"] - 1.0 if r["first"] else None
    return Returns(
        count=int(r["n"]),
        mean=float(r["mean"]) if r["n"] else None,
        std=std,
        total_return=total,
        annualized_volatility=std * math.sqrt(spec.periods_per_year) if std else None,
        window=spec.window,
        rolling_volatility_last=r["vol_last"],
        rolling_volatility_min=r["vol_min"],
        rolling_volatility_max=r["vol_max"],
    )


def summarize_backtest(spec: AnalysisInput, b: dict[str, Any], last_row: int) -> Backtest:
    std = _std(b)
    n = int(b["n"])
    sharpe = float(b["mean"]) / std * math.sqrt(spec.periods_per_year) if std else None
    curve = [_curve_point(point) for point in b["curve"]]
    if curve and curve[-1].row != last_row:
        curve.append(
            EquityPoint(
                row=last_row,
                equity=round(float(b["equity"]), 10),
                price=b.get("last_price"),
                drawdown=_drawdown(b),
                time=b.get("last_time"),
            )
        )
    return Backtest(
        fast=spec.fast,
        slow=spec.slow,
        total_return=float(b["equity"]) - 1.0,
        sharpe=sharpe,
        max_drawdown=float(b["max_drawdown"]),
        trades=int(b["trades"]),
        exposure=int(b["exposed"]) / n if n else 0.0,
        equity_curve=curve,
    )
