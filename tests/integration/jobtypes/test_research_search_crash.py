"""kill -9 of a real worker process while a question-only research job fetches what its search
found: the next worker goes on from the fetch checkpoint, and the provider is asked once."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.processes import jobwire_process
from jobwire.contract.events import EventType
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.jobs.service import JobService
from jobwire.projection.events import read_since
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.integration.jobtypes.conftest import Site, page
from tests.support.search_standin import SearchStandIn, search_standin

pytestmark = pytest.mark.integration

PAGES = 4


@pytest_asyncio.fixture
async def search() -> AsyncIterator[SearchStandIn]:
    async with search_standin() as standin:
        yield standin


async def test_kill_9_during_fetch_resumes_without_a_second_search(
    settings: Settings,
    temporal_client: Client,
    redis: Redis,
    site: Site,
    search: SearchStandIn,
    tmp_path: Path,
) -> None:
    for i in range(PAGES):
        site.pages[f"/page{i}"] = ("text/html", page(f"Page {i}", f"A worker crash, part {i}."))
        search.add(site.url(f"/page{i}"), f"Result {i}")
    site.delay = 1.0
    research = {"search_provider": "searxng", "searxng_url": search.searxng_url, "concurrency": 1}
    settings = settings.model_copy(
        update={
            "heartbeat_timeout_seconds": 2.0,
            "heartbeat_throttle_seconds": 0.1,
            "job_types": {"research": research},
        }
    )
    jobs = JobService(temporal_client, settings, job_types)
    first = jobwire_process("worker", settings, tmp_path / "first")
    second = jobwire_process("worker", settings, tmp_path / "second")
    await first.start()
    try:
        spec = {"type": "research", "question": "what happens after a worker crash"}
        record, _ = await jobs.submit("crash", spec)

        async def fetching() -> bool:
            return site.hits["/page1"] >= 1

        await assert_eventually(fetching, timeout=60, message=first.log_tail())
        first.signal_group(signal.SIGKILL)
        assert first.process is not None
        await first.process.wait()
        assert site.hits[f"/page{PAGES - 1}"] == 0, "the fetch finished before the kill"

        await second.start()

        async def done() -> bool:
            return (await jobs.get("crash", record.job_id)).state.is_terminal

        await assert_eventually(done, timeout=90, message=second.log_tail())
    finally:
        await first.stop(grace=1)
        await second.stop(grace=5)

    finished = await jobs.get("crash", record.job_id)
    assert finished.state is JobState.COMPLETED, finished.error
    assert search.calls == 1, "the search ran once; the retried fetch read its results"
    assert finished.result is not None
    assert [s["status"] for s in finished.result["sources"]] == ["fetched"] * PAGES
    assert all(site.hits[f"/page{i}"] >= 1 for i in range(PAGES))

    replay = await read_since(redis, record.job_id, 0)
    recovered = [e for e in replay.events if e.type is EventType.RECOVERED]
    assert len(recovered) == 1, [e.type for e in replay.events]
    assert recovered[0].data["phase"] == "fetch" and recovered[0].data["attempt"] == 2
