"""Each job type's one-line summary of a spec, and the bounds a summary keeps."""

from __future__ import annotations

from activities.analysis.contract import JOB_TYPE as ANALYSIS
from activities.research.contract import JOB_TYPE as RESEARCH
from activities.trade.contract import JOB_TYPE as TRADE
from bench.support.counting import COUNT_TYPE
from jobwire.contract.labels import SUMMARY_MAX_LENGTH, within_bytes
from jobwire.contract.phases import PlannedPhase
from jobwire.contract.workflow_api import JobWorkflowInput
from jobwire.jobs.labelling import static_summary


def summary(definition, spec: dict) -> str:
    return definition.summary_of(definition.input_model.model_validate(spec))


def test_a_trade_says_side_quantity_symbol_strategy_and_slices() -> None:
    spec = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "1200.000", "slices": 12,
            "strategy": "vwap"}  # fmt: skip
    assert summary(TRADE, spec) == "buy 1200 ACME by VWAP in 12 slices"
    one = {**spec, "side": "sell", "slices": 1, "limit_price": "99.50", "strategy": "twap"}
    assert summary(TRADE, one) == "sell 1200 ACME by TWAP in 1 slice, limit 99.5"


def test_research_is_its_question_on_one_bounded_line() -> None:
    spec = {"type": "research", "question": "Why do\ntides   rise?",
            "sources": [{"kind": "text", "text": "moon"}]}  # fmt: skip
    assert summary(RESEARCH, spec) == "Why do tides rise?"
    long = summary(RESEARCH, {**spec, "question": "why " * 500})
    assert len(long) == SUMMARY_MAX_LENGTH and long.endswith("…")


def test_analysis_names_column_dataset_and_analyses() -> None:
    base = {"type": "analysis", "column": "close", "analyses": ["stats", "backtest"]}
    datasets = {
        "close of prices.csv: stats, backtest": {"kind": "file", "path": "data/prices.csv"},
        "close of acme.csv: stats, backtest": {"kind": "url", "url": "https://x.test/d/acme.csv"},
        "close of x.test: stats, backtest": {"kind": "url", "url": "https://x.test/"},
        "close of 2 inline rows: stats, backtest": {"kind": "inline", "rows": [{"c": 1}, {"c": 2}]},
        "close of 500 generated rows: stats, backtest": {"kind": "generated", "rows": 500},
    }  # fmt: skip
    for expected, dataset in datasets.items():
        assert summary(ANALYSIS, {**base, "dataset": dataset}) == expected


def test_a_type_without_its_own_summary_gets_its_name_and_description() -> None:
    assert summary(COUNT_TYPE, {"type": "count", "items": 1}).startswith("count: Counts")


def test_the_static_summary_fits_temporals_200_bytes_on_a_character_boundary() -> None:
    text = "é" * 150  # 300 bytes
    cut = within_bytes(text)
    assert len(cut.encode()) <= 200 and cut.endswith("…") and cut.startswith("é")
    assert within_bytes("short") == "short"
    job = JobWorkflowInput(
        job_id="job-1", user_id="u", type="count", spec={},
        phases=[PlannedPhase(name="count", activity="count.count")], summary="counts",
    )  # fmt: skip
    assert static_summary(job) == "counts"
    assert static_summary(job.model_copy(update={"name": "mine"})) == "mine"
    assert static_summary(job.model_copy(update={"summary": ""})) == "count job for u"
