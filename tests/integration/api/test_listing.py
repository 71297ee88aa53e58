"""What a list and the counts show: one summary per job, however many runs it took."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from temporalio.client import Client, WorkflowExecutionStatus

from bench.support.counting import counting_registry
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.support.api_stack import Api, api_stack

pytestmark = pytest.mark.integration


async def test_list_items_are_summaries_without_the_spec(api: Api) -> None:
    async with api.client("lena") as http:
        created = await http.post("/api/jobs", json={"type": "count", "items": 2})
        job_id = created.json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED)

        async def listed() -> dict | None:
            items = (await http.get("/api/jobs")).json()["items"]
            return items[0] if items and items[0]["state"] == "completed" else None

        item = await assert_eventually(listed, timeout=30, message="never listed")
        assert item is not None and item["job_id"] == job_id
        assert "spec" not in item and "result" not in item, item
        assert item["phases"] == ["count", "summarize"] and item["progress"] == 100.0
        full = (await http.get(f"/api/jobs/{job_id}")).json()
        assert full["spec"]["items"] == 2, "the full record keeps its spec"


async def test_a_job_that_continued_as_new_is_listed_and_counted_once(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    chatty = settings.model_copy(
        update={"progress_report_seconds": 0.02, "history_event_limit": 100}
    )
    stack = api_stack(chatty, temporal_client, redis, counting_registry())
    async with stack as api, api.client("mona") as http:
        spec = {"type": "count", "items": 150, "item_seconds": 0.01}
        job_id = (await http.post("/api/jobs", json=spec)).json()["job_id"]
        await api.wait_for_state(http, job_id, JobState.COMPLETED, timeout=120)
        runs = [run async for run in temporal_client.list_workflows(f"WorkflowId = '{job_id}'")]
        assert any(r.status is WorkflowExecutionStatus.CONTINUED_AS_NEW for r in runs), runs

        async def settled() -> bool:
            page = (await http.get("/api/jobs")).json()["items"]
            return [item["state"] for item in page] == ["completed"]

        await assert_eventually(settled, timeout=30, message="listed other than once")
        stats = (await http.get("/api/jobs/stats")).json()
        assert stats["total"] == 1 and stats["by_state"]["completed"] == 1, stats
        assert stats["by_type"] == {"count": 1}
