"""docs/adding-a-job-type.md walks through a complete job type: its code block is run here as it
stands, registered into a registry of its own, and must resume exactly."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import activities
import activities.runtime
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.errors import JobFailed
from tests.unit.jobtypes.harness import Harness, Stop, unit_settings

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "adding-a-job-type.md"


def doc_example(monkeypatch: pytest.MonkeyPatch) -> JobTypeRegistry:
    """Executes the doc's Python block with ``job_types`` pointing at a fresh registry."""
    block = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert block, "docs/adding-a-job-type.md lost its example"
    registry = JobTypeRegistry()
    registry._loaded = True  # no built-ins: only what the doc registers
    monkeypatch.setattr(activities.runtime, "job_types", registry)
    module = ModuleType("primes_from_docs")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(block.group(1), str(DOC), "exec"), module.__dict__)
    return registry


async def test_the_documented_job_type_registers_and_resumes_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = doc_example(monkeypatch)
    assert registry.names() == ["primes"]
    definition = registry.get("primes")
    assert definition.phase_names == ["count", "summarize"]
    assert definition.result_model is not None and definition.examples

    spec = {"type": "primes", "limit": 5000, "block": 500}
    whole = await Harness(unit_settings(), registry=registry).run_all(spec)
    assert whole == {"limit": 5000, "primes": 669, "largest": 4999}

    harness = Harness(unit_settings(), registry=registry)
    harness.stop_after = 4
    with pytest.raises(Stop):
        await harness.run(spec, "count")
    checkpoint = harness.heartbeats[-1]
    assert checkpoint.state["next"] == 2002
    harness.stop_after = None
    counted = await harness.run(spec, "count", resumed=checkpoint)
    resumed = await harness.run(spec, "summarize", previous={"count": counted})
    assert resumed == whole

    with pytest.raises(JobFailed, match="above 10") as caught:
        await Harness(unit_settings(), registry=registry).run(
            {"type": "primes", "limit": 100, "refuse_above": 10}, "count"
        )
    assert caught.value.error_type == "LimitTooHigh"


def test_the_global_registry_is_untouched_by_the_doc_example() -> None:
    assert "primes" not in job_types.names()


@pytest.mark.parametrize("name", ["research", "trade", "analysis"])
def test_each_example_file_is_the_registered_example(name: str) -> None:
    on_disk = json.loads((ROOT / "examples" / f"{name}.json").read_text())
    definition = job_types.get(name)
    assert on_disk == definition.examples[0]
    spec = job_types.parse_spec(on_disk)
    assert spec.type == name
    assert definition.result_model is not None
