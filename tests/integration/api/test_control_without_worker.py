"""A pause, resume or cancel no worker takes: a 503 after the bounded wait, not a request that
hangs (and holds the server's shutdown) for as long as no worker polls."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from bench.support.counting import counting_registry
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.support.api_stack import api_serving

pytestmark = pytest.mark.integration

WAIT_SECONDS = 1.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"worker_answer_wait_seconds": WAIT_SECONDS})


async def test_a_control_no_worker_takes_is_a_503_and_applies_once_one_polls(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    async with (
        api_serving(settings, temporal_client, redis, counting_registry()) as api,
        api.client("olga") as http,
    ):
        submitted = await http.post("/api/jobs", json={"type": "count", "items": 400})
        assert submitted.status_code == 201, submitted.text
        job_id = submitted.json()["job_id"]

        paused = await http.post(f"/api/jobs/{job_id}/pause", json={"reason": "lunch"})
        assert paused.status_code == 503, paused.text
        assert paused.headers["content-type"] == "application/problem+json"
        problem = paused.json()
        assert problem["type"].endswith("/no-worker-answered"), problem
        assert f"within {WAIT_SECONDS:g} s" in problem["detail"]

        bulk = await http.post("/api/jobs/actions", json={"action": "cancel", "ids": [job_id]})
        assert bulk.status_code == 200, bulk.text
        [item] = bulk.json()["results"]
        assert item["outcome"] == "no_worker" and "no worker took" in item["detail"], item

        async with api.worker():
            # Temporal held both Updates: the first worker task takes the pause, then the
            # cancel, in the order they were sent.
            record = await api.wait_for_state(http, job_id, JobState.CANCELLED)
        assert record.last_control is not None and record.last_control.by == api.user("olga")
