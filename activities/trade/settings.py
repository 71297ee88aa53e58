"""The trade job type's own settings: ``JOBWIRE_JOB_TYPES__TRADE__<FIELD>``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TradeSettings(BaseModel):
    """Pre-trade risk limits and the paper broker's retention."""

    model_config = ConfigDict(extra="forbid")

    max_notional: float = Field(
        default=1_000_000.0, gt=0, description="Pre-trade risk: largest order value."
    )
    price_band_pct: float = Field(
        default=10.0, gt=0, description="Pre-trade risk: a limit this far from arrival is refused."
    )
    market_hours: str | None = Field(
        default=None,
        pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
        description="Pre-trade risk: trading window 'HH:MM-HH:MM'; unset trades at any time.",
    )
    market_timezone: str = Field(default="UTC", description="Time zone of the trading window.")
    paper_broker_ttl_seconds: int = Field(
        default=30 * 24 * 3600, ge=60, description="How long paper orders stay in Redis."
    )
