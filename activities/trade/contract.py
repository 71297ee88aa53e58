"""The trade job type's contract: what the API and CLI need, with none of its I/O.

Its phases (``check``, ``execute``, ``settle``) are functions of the same names in
``activities.trade.phases``, which only the worker imports.
"""

from __future__ import annotations

from activities.examples import example_path
from activities.trade.models import TradeInput, TradeResult
from activities.trade.settings import TradeSettings
from jobwire.contract.job_type import JobTypeDefinition, Phase, examples_from

EXAMPLES = example_path("trade.json")


def summarize(spec: TradeInput) -> str:
    """'buy 1200 ACME by VWAP in 12 slices', with the limit price when there is one."""
    quantity = format(spec.quantity.normalize(), "f")
    plural = "slice" if spec.slices == 1 else "slices"
    line = (
        f"{spec.side} {quantity} {spec.symbol} by {spec.strategy.upper()} in {spec.slices} {plural}"
    )
    if spec.limit_price is not None:
        line += f", limit {format(spec.limit_price.normalize(), 'f')}"
    return line


JOB_TYPE = JobTypeDefinition.define(
    TradeInput,
    (
        Phase("check", weight=1, description="pre-trade risk checks"),
        Phase("execute", weight=8, description="sending child orders"),
        Phase("settle", weight=1, description="reconciling fills with the broker"),
    ),
    phases_module="activities.trade.phases",
    result_model=TradeResult,
    settings_model=TradeSettings,
    examples=examples_from(EXAMPLES),
    summarize=summarize,
)
