"""The analysis job type's contract: what the API and CLI need, with none of its I/O.

Its phases (``scan``, ``report``) are functions of the same names in
``activities.analysis.phases``, which only the worker imports.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from activities.analysis.models import (
    AnalysisInput,
    AnalysisResult,
    Dataset,
    FileDataset,
    InlineDataset,
    UrlDataset,
)
from activities.analysis.settings import AnalysisSettings
from activities.examples import example_path
from jobwire.contract.job_type import JobTypeDefinition, Phase, examples_from

EXAMPLES = example_path("analysis.json")


def summarize(spec: AnalysisInput) -> str:
    """'close of prices.csv: stats, backtest': the column, where it comes from, what is done."""
    return f"{spec.column} of {dataset_label(spec.dataset)}: {', '.join(spec.analyses)}"


def dataset_label(dataset: Dataset) -> str:
    if isinstance(dataset, FileDataset):
        return PurePosixPath(dataset.path).name
    if isinstance(dataset, UrlDataset):
        path = PurePosixPath(dataset.url.path or "/")
        return path.name or (dataset.url.host or "a URL")
    if isinstance(dataset, InlineDataset):
        return f"{len(dataset.rows)} inline rows"
    return f"{dataset.rows} generated rows"


JOB_TYPE = JobTypeDefinition.define(
    AnalysisInput,
    (
        Phase("scan", weight=9, description="reading the dataset in chunks"),
        Phase("report", weight=1, description="computing the figures"),
    ),
    phases_module="activities.analysis.phases",
    result_model=AnalysisResult,
    settings_model=AnalysisSettings,
    examples=examples_from(EXAMPLES),
    summarize=summarize,
)
