"""docs/adding-a-job-type.md walks through a complete job type: its two code blocks run here as
they stand, added to a registry of their own, and the job must resume exactly."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.errors import JobFailed
from tests.unit.jobtypes.harness import Harness, Stop, unit_settings

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "adding-a-job-type.md"
MODULES = ("my_jobs.primes.contract", "my_jobs.primes.phases")


def doc_example(monkeypatch: pytest.MonkeyPatch) -> JobTypeRegistry:
    """Executes the doc's two Python blocks as the modules they say they are, and adds the
    contract to a registry of its own."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert len(blocks) == len(MODULES), "docs/adding-a-job-type.md lost its example"
    for name, block in zip(MODULES, blocks, strict=True):
        module = ModuleType(name)
        monkeypatch.setitem(sys.modules, name, module)
        exec(compile(block, str(DOC), "exec"), module.__dict__)
    registry = JobTypeRegistry()
    registry.add(sys.modules[MODULES[0]].JOB_TYPE)
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

    refusing = unit_settings(job_types={"primes": {"refuse_above": 10}})
    with pytest.raises(JobFailed, match="above 10") as caught:
        await Harness(refusing, registry=registry).run({"type": "primes", "limit": 100}, "count")
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
