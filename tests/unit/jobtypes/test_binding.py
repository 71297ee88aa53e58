"""The worker binds every phase of every job type to its function, and validates each type's
settings, as it starts: a missing function or a bad value stops it there, named."""

from __future__ import annotations

import inspect
import sys
from types import ModuleType
from typing import Any

import pytest

from activities.research.settings import ResearchSettings
from activities.runtime.binding import PhaseBindingError, bind_phases
from activities.runtime.context import PhaseResources
from activities.runtime.phase_activities import PhaseRuntime
from bench.support.counting import COUNT_TYPE
from jobwire.cli.server.worker import run_worker
from jobwire.contract.job_settings import JobTypeSettingsError, validate_job_type_settings
from jobwire.contract.job_type import JobTypeDefinition, Phase
from jobwire.contract.publishing import MemoryPublisher
from jobwire.contract.registry import JobTypeRegistry, job_types
from tests.unit.jobtypes.harness import unit_settings


def test_the_worker_binds_every_phase_of_every_job_type() -> None:
    definitions = [*job_types.definitions(), COUNT_TYPE]
    bound = bind_phases(definitions)
    assert [(b.definition.name, b.phase.name) for b in bound] == [
        (d.name, p.name) for d in definitions for p in d.phases
    ]
    assert all(inspect.iscoroutinefunction(b.run) for b in bound)
    assert all(b.run.__name__ == b.phase.name for b in bound)


def test_the_runtime_builds_one_activity_per_phase_and_the_publisher() -> None:
    runtime = PhaseRuntime(PhaseResources(settings=unit_settings()), MemoryPublisher())
    built = runtime.activities()
    names = {getattr(activity, "__temporal_activity_definition").name for activity in built}
    expected = {d.activity_name(p) for d, p in job_types.phases()}
    assert expected < names and len(names) == len(expected) + 1


def phases_module(monkeypatch: pytest.MonkeyPatch, **functions: Any) -> str:
    module = ModuleType("phases_under_test")
    module.__dict__.update(functions)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module.__name__


def contract(module: str) -> JobTypeDefinition:
    return JobTypeDefinition.define(
        COUNT_TYPE.input_model, [Phase("count"), Phase("summarize")], phases_module=module
    )


def test_a_phase_without_a_function_stops_the_worker_naming_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def count(ctx: Any) -> dict[str, Any]:
        return {}

    module = phases_module(monkeypatch, count=count, summarize="not a function")
    with pytest.raises(PhaseBindingError, match=r"'summarize'.*phases_under_test\.summarize"):
        bind_phases([contract(module)])


def test_a_phases_module_that_cannot_be_imported_stops_the_worker() -> None:
    with pytest.raises(PhaseBindingError, match="no_such_module"):
        bind_phases([contract("no_such_module.phases")])


def test_a_bad_setting_stops_the_worker_naming_its_variable() -> None:
    registry = JobTypeRegistry()
    for definition in job_types.definitions():
        registry.add(definition)
    settings = unit_settings(job_types={"research": {"max_sources": "0"}})
    runtime = PhaseRuntime(PhaseResources(settings=settings), MemoryPublisher(), registry)
    with pytest.raises(JobTypeSettingsError, match="JOBWIRE_JOB_TYPES__RESEARCH__MAX_SOURCES"):
        runtime.activities()


async def test_a_misconfigured_worker_stops_before_reaching_any_server() -> None:
    settings = unit_settings(
        temporal_address="127.0.0.1:1", job_types={"trade": {"market_hours": "9-17"}}
    )
    with pytest.raises(JobTypeSettingsError, match="JOBWIRE_JOB_TYPES__TRADE__MARKET_HOURS"):
        await run_worker(settings)


def test_settings_of_an_unknown_type_or_field_are_refused() -> None:
    with pytest.raises(JobTypeSettingsError, match="'reserch'"):
        validate_job_type_settings(job_types.definitions(), {"reserch": {"max_sources": 3}})
    with pytest.raises(JobTypeSettingsError, match="JOBWIRE_JOB_TYPES__TRADE__MAX_NOTIONL"):
        validate_job_type_settings(job_types.definitions(), {"trade": {"max_notionl": 3}})


def test_phases_read_their_types_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBWIRE_JOB_TYPES__RESEARCH__MAX_SOURCES", "7")
    monkeypatch.setenv("JOBWIRE_JOB_TYPES__RESEARCH__LLM_API_KEY", "secret-key")
    settings = unit_settings()
    validated = validate_job_type_settings(job_types.definitions(), settings.job_types)
    research = validated["research"]
    assert isinstance(research, ResearchSettings)
    assert research.max_sources == 7
    assert research.llm_api_key is not None and "secret-key" not in repr(research)
    resources = PhaseResources(settings=settings, job_settings=validated)
    assert resources.settings_of("research", ResearchSettings) is research
