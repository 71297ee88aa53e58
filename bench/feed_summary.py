"""How the live feed benchmark turns alternated rounds into one figure per client level.

One run of each side gave ratios from 0.56x to 1.77x on this machine: whichever side happened
to meet a busy moment lost. So the sides alternate (jobwire, floor, jobwire, floor, ...), each
jobwire round is paired with the floor round after it, and a level reports the median of the
per-pair ratios with their full spread, beside the median of each side's own figure.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    """The median of a few rounds' figures, and the lowest and highest of them."""

    median: float
    low: float
    high: float

    def format(self, unit: str = "", digits: int = 2) -> str:
        return (
            f"{self.median:.{digits}f}{unit} ({self.low:.{digits}f}-{self.high:.{digits}f}{unit})"
        )


def spread(values: Sequence[float]) -> Spread:
    if not values:
        raise ValueError("no rounds to summarise")
    return Spread(statistics.median(values), min(values), max(values))


def paired_ratios(measured: Sequence[float], baseline: Sequence[float]) -> Spread:
    """Each round's figure over its paired baseline round's, summarised. Pairs are by
    position: round i of one side ran next to round i of the other."""
    if len(measured) != len(baseline):
        raise ValueError(f"{len(measured)} rounds against {len(baseline)} baseline rounds")
    if any(base <= 0 for base in baseline):
        raise ValueError(f"a baseline round measured nothing: {list(baseline)}")
    return spread([value / base for value, base in zip(measured, baseline, strict=True)])


def median_shares(rounds: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Each process group's median CPU share over the rounds; a group a round did not
    measure (a floor round has no jobwire API) is taken over the rounds that did."""
    if not rounds:
        raise ValueError("no rounds to summarise")
    names = list(dict.fromkeys(name for shares in rounds for name in shares))
    return {
        name: statistics.median(shares[name] for shares in rounds if name in shares)
        for name in names
    }


def split(count: int, parts: int) -> list[tuple[int, int]]:
    """``count`` clients over at most ``parts`` processes as (first index, how many), as
    even as they go; no process gets none."""
    if count < 1 or parts < 1:
        raise ValueError(f"cannot spread {count} clients over {parts} processes")
    parts = min(parts, count)
    sizes = [count // parts + (1 if part < count % parts else 0) for part in range(parts)]
    starts = [sum(sizes[:part]) for part in range(parts)]
    return list(zip(starts, sizes, strict=True))
