"""The analysis job type: input model, phases, and its registration line."""

from activities.analysis.models import AnalysisInput, AnalysisResult
from activities.analysis.phases import report, scan
from activities.runtime import Phase, job_types

EXAMPLE = {
    "type": "analysis",
    "dataset": {"kind": "generated", "rows": 20000, "seed": 7, "volatility_bps": 120},
    "column": "close",
    "analyses": ["stats", "returns", "backtest"],
    "fast": 10,
    "slow": 40,
    "chunk_rows": 2000,
}

PHASES = (
    Phase("scan", scan, weight=9, description="reading the dataset in chunks"),
    Phase("report", report, weight=1, description="computing the figures"),
)

job_types.register(AnalysisInput, PHASES, result_model=AnalysisResult, examples=[EXAMPLE])

__all__ = ["PHASES", "AnalysisInput", "AnalysisResult"]
