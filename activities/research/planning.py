"""Which phases a research spec runs, decided when it is submitted.

A spec with its sources runs ``fetch → rank → report`` exactly as before ``search`` existed
(so jobs started earlier, and their histories, are untouched); one with fewer sources than
its ``min_sources`` searches first, and a server with no provider refuses it at once (HTTP
422) with the settings that would turn search on.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from activities.research.models import ResearchInput
from activities.research.settings import HOW_TO_SEARCH, ResearchSettings
from jobwire.contract.specs import JobInput
from jobwire.errors import InvalidSpec

GIVEN_SOURCES = ("fetch", "rank", "report")
SEARCHED = ("search", *GIVEN_SOURCES)


def plan(spec: JobInput, settings: BaseModel | None) -> Sequence[str]:
    assert isinstance(spec, ResearchInput)
    if not spec.needs_search:
        return GIVEN_SOURCES
    limits = settings if isinstance(settings, ResearchSettings) else ResearchSettings()
    if limits.search_provider is None:
        have = f"{len(spec.sources)} sources" if spec.sources else "no sources"
        raise InvalidSpec(
            f"this spec has {have}, so its question must be searched for, and this server has"
            f" no search provider: give the sources, or {HOW_TO_SEARCH}",
            field="sources",
        )
    if len(spec.sources) >= limits.max_sources:
        return GIVEN_SOURCES
    return SEARCHED
