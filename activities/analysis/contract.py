"""The analysis job type's contract: what the API and CLI need, with none of its I/O.

Its phases (``scan``, ``report``) are functions of the same names in
``activities.analysis.phases``, which only the worker imports.
"""

from __future__ import annotations

from activities.analysis.models import AnalysisInput, AnalysisResult
from activities.analysis.settings import AnalysisSettings
from activities.examples import example_path
from jobwire.contract.job_type import JobTypeDefinition, Phase, examples_from

EXAMPLES = example_path("analysis.json")

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
)
