"""Whatever reaches a worker ends: specs the API would now refuse, started straight through
Temporal, fail with a final error after one attempt (or complete), never loop."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from jobwire.contract.events import EventType
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.contract.workflow_api import JobWorkflowInput
from jobwire.jobs.reading import JobReader
from jobwire.jobs.submission import JobStarter, planned_phases
from tests.integration.jobtypes.conftest import Jobs

pytestmark = pytest.mark.integration

USER = "probe"


async def start_unchecked(jobs: Jobs, spec: dict[str, Any]) -> str:
    """Starts the workflow with ``spec`` as it stands, past the API's validation."""
    definition = job_types.get(spec["type"])
    job = JobWorkflowInput(
        job_id=f"job-{uuid.uuid4()}",
        user_id=USER,
        type=definition.name,
        spec=spec,
        # Planned as a submit plans them, from the spec left unvalidated (it may be invalid).
        phases=planned_phases(
            definition, definition.input_model.model_construct(**spec), jobs.settings
        ),
        policy=jobs.settings.activity_policy(),
        description=definition.description,
    )
    service = jobs.jobs
    await JobStarter(service.temporal, jobs.settings, job_types, JobReader(service.temporal)).start(
        job
    )
    return job.job_id


def inline(*closes: float) -> dict[str, Any]:
    return {"kind": "inline", "rows": [{"close": close} for close in closes]}


def analysis(dataset: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"type": "analysis", "dataset": dataset, **more}


TRADE = {
    "type": "trade",
    "symbol": "ACME",
    "side": "buy",
    "quantity": "1200",
    "strategy": "vwap",
    "slices": 2,
    "duration_seconds": 1,
    "broker": "paper",
    "volume_profile": [1e308, 1e308],
    "prices": {"kind": "random_walk", "start": "100", "volatility_bps": 15, "seed": 42},
}

PROBES: dict[str, dict[str, Any]] = {
    "nul-in-file-path": analysis({"kind": "file", "path": "prices\x00.csv"}),
    "inline-1e400": analysis(inline(1.0, 2.0, 1e400, 3.0)),
    "inline-1e300-1e-300": analysis(inline(1.0, 1e300, 1e-300, 2.0)),
    "generated-start-1e308": analysis({"kind": "generated", "rows": 3000, "start": 1e308}),
    "trade-volume-profile-1e308": TRADE,
    "csv-field-over-131072": analysis({"kind": "file", "path": "wide.csv"}),
}


@pytest.mark.parametrize("probe", list(PROBES))
async def test_a_spec_the_api_would_refuse_still_ends_within_its_attempts(
    jobs: Jobs, files_root: Path, probe: str
) -> None:
    (files_root / "wide.csv").write_text("ts,close\n1," + "9" * 140_000 + "\n2,3\n")
    job_id = await start_unchecked(jobs, PROBES[probe])

    done = await jobs.finished(USER, job_id)

    assert done.state in {JobState.FAILED, JobState.COMPLETED}
    recovered = [
        e for e in jobs.events.events if e.job_id == job_id and e.type is EventType.RECOVERED
    ]
    if done.state is JobState.FAILED:
        assert done.error is not None
        assert done.error.attempts == 1, f"{done.error}: a failure that recurs is final at once"
        assert not done.error.retryable
        assert not recovered, "no attempt after the first"
        failed = [
            e for e in jobs.events.events if e.job_id == job_id and e.type is EventType.FAILED
        ]
        assert failed[-1].data["error"]["attempts"] == 1
