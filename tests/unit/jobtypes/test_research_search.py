"""Research from a question alone, without a network: which phases a spec plans, which
search results a job reads, and the settings that turn search on."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

import activities  # noqa: F401
from activities.research.choosing import choose
from activities.research.models import ResearchInput
from activities.research.planning import plan
from activities.research.providers import Found, provider_for
from activities.research.settings import ResearchSettings
from activities.research.urls import canonical_url
from jobwire.contract.job_settings import JobTypeSettingsError, settings_for
from jobwire.contract.job_type import JobTypeDefinition
from jobwire.contract.registry import job_types
from jobwire.errors import InvalidSpec

QUESTION = "How does a durable workflow recover after its worker crashes?"
SEARXNG = {"search_provider": "searxng", "searxng_url": "http://search.internal:8080"}


def spec(**fields: Any) -> ResearchInput:
    parsed = job_types.parse_spec({"type": "research", "question": QUESTION, **fields})
    assert isinstance(parsed, ResearchInput)
    return parsed


def planned(parsed: ResearchInput, **settings: Any) -> list[str]:
    definition = job_types.get("research")
    return [p.name for p in definition.phases_for(parsed, ResearchSettings(**settings))]


def test_a_spec_with_its_sources_plans_the_phases_it_always_had() -> None:
    given = spec(sources=[{"kind": "text", "text": "a durable workflow replays its history"}])
    assert planned(given) == ["fetch", "rank", "report"]
    assert planned(given, **SEARXNG) == ["fetch", "rank", "report"]


def test_a_question_alone_plans_a_search_first_when_a_provider_is_configured() -> None:
    assert planned(spec(), **SEARXNG) == ["search", "fetch", "rank", "report"]


def test_too_few_sources_plan_a_search_too() -> None:
    few = spec(sources=[{"kind": "text", "text": "one note"}], min_sources=3)
    assert planned(few, **SEARXNG)[0] == "search"


def test_a_question_alone_without_a_provider_is_refused_with_how_to_configure_one() -> None:
    with pytest.raises(InvalidSpec) as refused:
        plan(spec(), ResearchSettings())
    assert refused.value.errors == [{"field": "sources", "message": refused.value.detail}]
    assert "no search provider" in refused.value.detail
    assert "JOBWIRE_JOB_TYPES__RESEARCH__SEARCH_PROVIDER=searxng" in refused.value.detail
    assert "JOBWIRE_JOB_TYPES__RESEARCH__BRAVE_API_KEY" in refused.value.detail


def test_a_spec_that_forbids_search_needs_sources() -> None:
    with pytest.raises(InvalidSpec, match="give sources"):
        spec(min_sources=0)


def test_canonical_urls_fold_spelling_and_drop_fragments() -> None:
    assert canonical_url("HTTP://Example.COM:80/a/../b?x=1#top") == "http://example.com/b?x=1"
    assert canonical_url("https://example.com/b") != canonical_url("https://example.com/b?x=1")
    assert canonical_url("ftp://example.com/file") is None
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("") is None


def test_choose_reads_each_page_once_within_the_room_and_says_why_not() -> None:
    found = [
        Found("A", "https://a.example/page#intro"),
        Found("A again", "HTTPS://A.example:443/page"),
        Found("Not the web", "mailto:someone@example.com"),
        Found("B", "https://b.example/"),
        Found("C", "https://c.example/"),
        Found("D", "https://d.example/"),
    ]
    hits = choose(found, first_index=2, room=2)
    assert [(h.rank, h.source_index) for h in hits if h.source_index is not None] == [
        (1, 2),
        (4, 3),
    ]
    assert hits[0].url == "https://a.example/page"
    assert hits[1].skipped == "the same page as result 1"
    assert hits[2].skipped == "not an http(s) URL"
    assert hits[4].skipped == hits[5].skipped == "beyond the 2 results this job reads"


def test_a_provider_without_its_address_or_key_stops_the_worker_at_start() -> None:
    definition = job_types.get("research")
    with pytest.raises(JobTypeSettingsError) as refused:
        settings_for(definition, {"research": {"search_provider": "searxng"}})
    assert str(refused.value).endswith(
        "JOBWIRE_JOB_TYPES__RESEARCH: Value error, SEARCH_PROVIDER=searxng needs SEARXNG_URL"
    )
    with pytest.raises(ValidationError, match="SEARCH_PROVIDER=brave needs BRAVE_API_KEY"):
        ResearchSettings(search_provider="brave")
    with pytest.raises(ValidationError):
        ResearchSettings(search_provider="google")


def test_provider_keys_never_show_in_settings_output() -> None:
    settings = ResearchSettings(search_provider="brave", brave_api_key="brave-secret-123")
    assert "brave-secret-123" not in repr(settings)
    assert "brave-secret-123" not in settings.model_dump_json()
    assert provider_for(settings) is not None
    assert provider_for(ResearchSettings()) is None


def test_the_shipped_question_only_example_searches_and_the_first_example_does_not() -> None:
    with_sources, question_only = job_types.get("research").examples
    assert "sources" not in question_only
    assert planned(spec(**question_only), **SEARXNG) == ["search", "fetch", "rank", "report"]
    assert planned(spec(**with_sources), **SEARXNG) == ["fetch", "rank", "report"]


def test_a_planner_that_plans_no_phase_is_refused() -> None:
    research = job_types.get("research")
    planless = JobTypeDefinition.define(
        ResearchInput, research.phases, phases_module="x", planner=lambda spec, settings: []
    )
    with pytest.raises(ValueError, match="planned no phase"):
        planless.phases_for(spec())
