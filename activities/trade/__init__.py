"""The trade job type: input model, phases, and its registration line."""

from activities.runtime import Phase, job_types
from activities.trade.models import TradeInput, TradeResult
from activities.trade.phases import check, execute, settle

EXAMPLE = {
    "type": "trade",
    "symbol": "ACME",
    "side": "buy",
    "quantity": "1200",
    "strategy": "vwap",
    "slices": 6,
    "duration_seconds": 3,
    "broker": "paper",
    "prices": {"kind": "random_walk", "start": "100", "volatility_bps": 15, "seed": 42},
}

PHASES = (
    Phase("check", check, weight=1, description="pre-trade risk checks"),
    Phase("execute", execute, weight=8, description="sending child orders"),
    Phase("settle", settle, weight=1, description="reconciling fills with the broker"),
)

job_types.register(TradeInput, PHASES, result_model=TradeResult, examples=[EXAMPLE])

__all__ = ["PHASES", "TradeInput", "TradeResult"]
