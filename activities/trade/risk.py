"""Pre-trade risk checks: a job that breaks one fails before any order, with the reason."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from activities.trade.models import TradeInput
from activities.trade.settings import TradeSettings
from jobwire.errors import JobFailed


class RiskCheckFailed(JobFailed):
    def __init__(self, detail: str) -> None:
        super().__init__("RiskCheckFailed", detail)


def check_risk(spec: TradeInput, arrival: Decimal, settings: TradeSettings, now: datetime) -> None:
    reference = spec.limit_price or arrival
    notional = spec.quantity * reference
    if notional > Decimal(str(settings.max_notional)):
        raise RiskCheckFailed(
            f"order notional {notional:.2f} exceeds the maximum {settings.max_notional:.2f}"
        )
    if spec.limit_price is not None:
        band = Decimal(str(settings.price_band_pct)) / 100
        distance = abs(spec.limit_price - arrival) / arrival
        if distance > band:
            raise RiskCheckFailed(
                f"limit price {spec.limit_price} is {distance * 100:.2f}% from the arrival"
                f" price {arrival}; the band is {settings.price_band_pct:g}%"
            )
    if settings.market_hours:
        opening, closing = (time.fromisoformat(part) for part in settings.market_hours.split("-"))
        local = now.astimezone(ZoneInfo(settings.market_timezone)).time()
        if not opening <= local < closing:
            raise RiskCheckFailed(
                f"the market is closed: trading hours are {settings.market_hours}"
                f" {settings.market_timezone}, it is {local:%H:%M}"
            )
