"""``jobwire worker`` as an operator runs it: with both metrics addresses set, it serves
jobwire's own metrics and the Temporal SDK's, and a job it ran shows on the first."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client

from bench.support.processes import ROOT, jobwire_process
from jobwire.cli.devstack.ports import free_port
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually


async def test_the_worker_command_serves_its_own_and_the_sdks_metrics(
    settings: Settings, temporal_client: Client, tmp_path: Path
) -> None:
    own, sdk = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    worker = jobwire_process(
        "worker",
        settings,
        tmp_path,
        worker_metrics_address=own,
        temporal_metrics_address=sdk,
    )
    spec = json.loads((ROOT / "examples" / "trade.json").read_text())
    spec |= {"slices": 2, "duration_seconds": 0.2}
    jobs = JobService(temporal_client, settings, job_types)
    await worker.start()
    try:
        record, _ = await jobs.submit("metrics", spec)

        async def ended() -> bool:
            return (await jobs.get("metrics", record.job_id)).state is JobState.COMPLETED

        await assert_eventually(ended, timeout=90, message=worker.log_tail())
        async with httpx.AsyncClient() as scraper:

            async def scraped() -> tuple[set[str], set[str]]:
                ours = (await scraper.get(f"http://{own}/metrics")).text
                theirs = (await scraper.get(f"http://{sdk}/metrics")).text
                assert 'jobwire_job_ends_total{error_type="",outcome="completed",type="trade"}' in (
                    ours
                )
                return names(ours), names(theirs)

            ours, theirs = await assert_eventually(scraped, timeout=30, message=worker.log_tail())
    finally:
        await worker.stop(grace=5)
    assert {"jobwire_phase_attempts", "jobwire_queue_wait_seconds"} <= ours
    assert any(name.startswith("temporal_activity_") for name in theirs), sorted(theirs)
    assert any(name.startswith("temporal_workflow_") for name in theirs), sorted(theirs)


def names(text: str) -> set[str]:
    return {family.name for family in text_string_to_metric_families(text)}
