"""Every worker killed: the console's status bar says jobs wait within 10 s, without a
reload, a job submitted meanwhile shows how long it has waited for a worker, and once a
worker is back the warning goes and the job completes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from bench.support.processes import jobwire_process
from jobwire.cli.devstack.ports import free_port
from jobwire.contract.states import JobState
from tests.e2e.browser.console import example, open_job, shot, sign_in
from tests.e2e.browser.stack import ConsoleStack

pytestmark = pytest.mark.e2e

DEAD_WORKER_SEEN_WITHIN_MS = 10_000
"""The issue's bound, from ``kill -9`` of the last worker to the status bar saying so."""


@pytest_asyncio.fixture
async def own_stack(console_stack: ConsoleStack, tmp_path: Path) -> AsyncIterator[ConsoleStack]:
    """A stack of the test's own (its worker dies), on its own task queue and port, with the
    default liveness settings."""
    settings = console_stack.settings.model_copy(
        update={"task_queue": f"{console_stack.settings.task_queue}-gone", "api_port": free_port()}
    )
    stack = ConsoleStack(
        settings=settings,
        api=jobwire_process("api", settings, tmp_path / "api"),
        worker=jobwire_process("worker", settings, tmp_path / "worker"),
        run="gone",
    )
    try:
        await stack.worker.start()
        await stack.start_api()
        yield stack
    finally:
        await stack.api.stop(grace=5)
        await stack.worker.stop(grace=1)


async def test_the_status_bar_says_jobs_wait_once_no_worker_polls(
    page: Page, own_stack: ConsoleStack, artifacts: Path
) -> None:
    await sign_in(page, own_stack, "alice")
    warning = page.get_by_test_id("worker-warning")
    await expect(warning).to_be_hidden(timeout=30_000)
    await own_stack.worker.kill()  # kill -9 of its process group
    await expect(warning).to_be_visible(timeout=DEAD_WORKER_SEEN_WITHIN_MS)
    await expect(warning).to_contain_text("no worker is running: jobs wait")
    await shot(page, artifacts / "status-bar-no-worker.png")
    job = await own_stack.create("alice", example("research"))
    await open_job(page, own_stack, job.job_id)
    await expect(page.get_by_test_id("job-queue-wait")).to_contain_text("waiting for a worker for")
    await shot(page, artifacts / "job-page-queue-wait.png")
    await own_stack.worker.start()
    await expect(warning).to_be_hidden(timeout=60_000)
    await own_stack.wait_for_state("alice", job.job_id, JobState.COMPLETED, timeout=120)
