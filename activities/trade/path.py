"""The market's price path a trade was worked against, for a chart of its fills.

Slices are bounded (1000), but a result is read by every client that shows the job, so the
path keeps at most ``PATH_POINTS`` steps: every k-th, with arrival and the last step always.
"""

from __future__ import annotations

import math

from activities.trade.models import PricePoint
from activities.trade.prices import PriceFeed

PATH_POINTS = 501


def price_path(feed: PriceFeed, slices: int) -> list[PricePoint]:
    """Steps 0 (arrival) to ``slices`` (the last child order's), evenly thinned to fit."""
    stride = max(1, math.ceil(slices / (PATH_POINTS - 1)))
    steps = list(range(0, slices + 1, stride))
    if steps[-1] != slices:
        steps.append(slices)
    return [PricePoint(step=step, price=feed.price_at(step)) for step in steps]
