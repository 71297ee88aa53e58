"""The research job type's contract: what the API and CLI need, with none of its I/O.

Its phases (``search``, ``fetch``, ``rank``, ``report``) are functions of the same names in
``activities.research.phases``, which only the worker imports; ``search`` runs only for a
spec that asks its question without (enough) sources (see ``planning``).
"""

from __future__ import annotations

from activities.examples import example_path
from activities.research.models import ResearchInput, ResearchResult
from activities.research.planning import plan
from activities.research.settings import ResearchSettings
from jobwire.contract.job_type import JobTypeDefinition, Phase, examples_from

EXAMPLES = example_path("research.json")
QUESTION_ONLY = example_path("with-search/research.json")
"""Kept apart from ``examples/*.json`` (which ``jobwire demo`` submits on any server): it runs
only where a search provider is configured."""

JOB_TYPE = JobTypeDefinition.define(
    ResearchInput,
    (
        Phase("search", weight=1, description="searching the web for sources"),
        Phase("fetch", weight=6, description="fetching sources"),
        Phase("rank", weight=3, description="ranking passages with BM25"),
        Phase("report", weight=1, description="writing the report"),
    ),
    phases_module="activities.research.phases",
    result_model=ResearchResult,
    settings_model=ResearchSettings,
    examples=(*examples_from(EXAMPLES), *examples_from(QUESTION_ONLY)),
    planner=plan,
)
