"""Analysis jobs on a real dev server and over HTTP: a paused and resumed job gives exactly
the result of an uninterrupted one, and a resumed URL scan starts where it stopped."""

from __future__ import annotations

import math
import signal
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from bench.support.processes import jobwire_process
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobAction, JobState
from jobwire.errors import JobFailed
from jobwire.jobs.service import JobService
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.integration.jobtypes.conftest import Jobs, Site
from tests.unit.jobtypes.harness import Harness, Stop, unit_settings

pytestmark = pytest.mark.integration


def write_prices(path: Path, rows: int) -> None:
    with path.open("w") as handle:
        handle.write("ts,close\n")
        for i in range(rows):
            handle.write(f"{i},{100 + 20 * math.sin(i / 50) + i / 1000:.5f}\n")


async def scan_interrupted(harness: Harness, spec: dict[str, Any]) -> dict[str, Any]:
    harness.stop_after = 3
    with pytest.raises(Stop):
        await harness.run(spec, "scan")
    harness.stop_after = None
    scanned = await harness.run(spec, "scan", resumed=harness.heartbeats[-1])
    return await harness.run(spec, "report", previous={"scan": scanned})


@pytest.mark.parametrize("ranged", [True, False], ids=["byte-range", "skip-ahead"])
async def test_a_resumed_url_scan_starts_where_it_stopped(
    site: Site, tmp_path: Path, ranged: bool
) -> None:
    csv_path = tmp_path / "prices.csv"
    write_prices(csv_path, 5000)
    if ranged:
        site.files["/prices.csv"] = csv_path
    else:
        site.pages["/prices.csv"] = ("text/csv", csv_path.read_text())
    spec = {
        "type": "analysis",
        "dataset": {"kind": "url", "url": site.url("/prices.csv")},
        "chunk_rows": 500,
    }
    whole = await Harness(unit_settings()).run_all(spec)
    site.ranges.clear()
    resumed = await scan_interrupted(Harness(unit_settings()), spec)

    assert resumed == whole and whole["rows"] == 5000
    assert site.ranges[0] is None, "the first attempt reads from the start"
    assert site.ranges[-1] is not None and site.ranges[-1].startswith("bytes=")
    offset = int(site.ranges[-1].removeprefix("bytes=").rstrip("-"))
    assert offset == len("ts,close\n") + sum(
        len(line) for line in csv_path.read_text().splitlines(keepends=True)[1:1501]
    ), "the resumed request starts right after the third chunk"


async def test_a_paused_and_resumed_analysis_equals_an_uninterrupted_one(jobs: Jobs) -> None:
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 400_000, "seed": 5},
        "chunk_rows": 2000,
    }
    whole_record, _ = await jobs.jobs.submit("ana", spec)
    whole = await jobs.finished("ana", whole_record.job_id)
    assert whole.state is JobState.COMPLETED, whole.error

    record, _ = await jobs.jobs.submit("ana", spec)

    async def under_way() -> bool:
        return (await jobs.jobs.get("ana", record.job_id)).progress >= 20

    await assert_eventually(under_way, timeout=60)
    await jobs.jobs.control("ana", record.job_id, JobAction.PAUSE)
    paused = await jobs.in_state("ana", record.job_id, JobState.PAUSED)
    assert paused.progress < 90, "paused mid-scan; make the dataset larger"
    await jobs.jobs.control("ana", record.job_id, JobAction.RESUME)
    done = await jobs.finished("ana", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    assert done.result == whole.result
    assert done.result is not None and done.result["rows"] == 400_000


async def test_a_csv_file_under_the_root_is_analysed(jobs: Jobs, files_root: Path) -> None:
    write_prices(files_root / "acme.csv", 3000)
    spec = {
        "type": "analysis",
        "dataset": {"kind": "file", "path": "acme.csv"},
        "analyses": ["stats", "backtest"],
        "chunk_rows": 1000,
    }
    record, _ = await jobs.jobs.submit("ana", spec)
    done = await jobs.finished("ana", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    result = done.result
    assert result is not None
    assert result["rows"] == 3000 and result["chunks"] == 3 and result["returns"] is None
    assert result["stats"]["count"] == 3000
    assert len(result["backtest"]["equity_curve"]) > 100


async def test_a_missing_column_fails_the_job_without_retries(jobs: Jobs, files_root: Path) -> None:
    write_prices(files_root / "acme.csv", 10)
    spec = {"type": "analysis", "dataset": {"kind": "file", "path": "acme.csv"}, "column": "vol"}
    record, _ = await jobs.jobs.submit("ana", spec)
    done = await jobs.finished("ana", record.job_id)

    assert done.state is JobState.FAILED and done.error is not None
    assert done.error.type == "InvalidSpec" and "no column 'vol'" in done.error.message
    assert done.attempt == 1


async def test_a_dataset_url_that_fails_fails_the_job(site: Site) -> None:
    spec = {"type": "analysis", "dataset": {"kind": "url", "url": site.url("/missing")}}
    with pytest.raises(JobFailed, match="HTTP 404") as caught:
        await Harness(unit_settings()).run(spec, "scan")
    assert caught.value.error_type == "DatasetUnavailable"


async def test_by_default_a_dataset_on_the_workers_own_network_fails_the_job(
    site: Site,
) -> None:
    site.pages["/prices.csv"] = ("text/csv", "close\n1\n2\n")
    spec = {"type": "analysis", "dataset": {"kind": "url", "url": site.url("/prices.csv")}}
    with pytest.raises(JobFailed, match="not a public address") as caught:
        await Harness(unit_settings(allow_private_sources=False)).run(spec, "scan")
    assert caught.value.error_type == "DatasetUnavailable"
    assert site.hits["/prices.csv"] == 0


async def test_an_empty_csv_fails_the_job(site: Site) -> None:
    site.pages["/empty.csv"] = ("text/csv", "")
    spec = {"type": "analysis", "dataset": {"kind": "url", "url": site.url("/empty.csv")}}
    with pytest.raises(JobFailed, match="not even a header") as caught:
        await Harness(unit_settings()).run(spec, "scan")
    assert caught.value.error_type == "EmptyDataset"


async def test_an_analysis_killed_with_sigkill_gives_the_uninterrupted_result(
    settings: Settings, temporal_client: Client, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={"heartbeat_timeout_seconds": 2.0, "heartbeat_throttle_seconds": 0.1}
    )
    spec = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 300_000, "seed": 9},
        "chunk_rows": 3000,
    }
    expected = await Harness(unit_settings()).run_all(spec)
    jobs = JobService(temporal_client, settings, job_types)
    record, _ = await jobs.submit("crash", spec)
    first = jobwire_process("worker", settings, tmp_path / "first")
    second = jobwire_process("worker", settings, tmp_path / "second")
    try:
        await first.start()

        async def midway() -> bool:
            current = await jobs.get("crash", record.job_id)
            return current.checkpoint is not None and 15 <= current.progress < 70

        await assert_eventually(midway, timeout=90, interval=0.05, message=first.log_tail())
        first.signal_group(signal.SIGKILL)
        assert first.process is not None
        await first.process.wait()
        await second.start()

        async def done() -> bool:
            return (await jobs.get("crash", record.job_id)).state.is_terminal

        await assert_eventually(done, timeout=120, message=second.log_tail())
    finally:
        await first.stop(grace=1)
        await second.stop(grace=5)

    final = await jobs.get("crash", record.job_id)
    assert final.state is JobState.COMPLETED, final.error
    assert final.result == expected
    attempts = [
        event.activity_task_started_event_attributes.attempt
        async for event in temporal_client.get_workflow_handle(record.job_id).fetch_history_events()
        if event.HasField("activity_task_started_event_attributes")
    ]
    assert max(attempts) == 2, "the scan went on in a second attempt after the kill"


@pytest.mark.parametrize(
    ("budget", "words", "error_type"),
    [
        ({"max_download_bytes": 10_000}, "larger than 10000 bytes", "DatasetTooLarge"),
        ({"download_seconds": 1e-6}, "took longer than", "DownloadTooSlow"),
    ],
    ids=["bytes", "time"],
)
async def test_a_url_dataset_over_its_budget_fails_the_job_by_name(
    site: Site, tmp_path: Path, budget: dict[str, float], words: str, error_type: str
) -> None:
    write_prices(tmp_path / "prices.csv", 5000)
    site.files["/prices.csv"] = tmp_path / "prices.csv"
    spec = {"type": "analysis", "dataset": {"kind": "url", "url": site.url("/prices.csv")}}
    with pytest.raises(JobFailed, match=words) as caught:
        await Harness(unit_settings(job_types={"analysis": budget})).run(spec, "scan")
    assert caught.value.error_type == error_type
