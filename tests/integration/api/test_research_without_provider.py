"""A question-only research spec on a server with no search provider: a 422 that says how to
configure one, and no job."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.contract.registry import job_types
from jobwire.settings import Settings
from tests.support.api_stack import api_serving

pytestmark = pytest.mark.integration


async def test_a_question_alone_without_a_provider_is_a_422_saying_how_to_configure_one(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    spec = {"type": "research", "question": "How does a durable workflow recover?"}
    async with (
        api_serving(settings, temporal_client, redis, job_types) as api,
        api.client("nora") as http,
    ):
        response = await http.post("/api/jobs", json=spec)
        total = (await http.get("/api/jobs/stats")).json()["total"]

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == "sources"
    assert "no search provider" in problem["detail"]
    assert "JOBWIRE_JOB_TYPES__RESEARCH__SEARCH_PROVIDER=searxng" in problem["detail"]
    assert "JOBWIRE_JOB_TYPES__RESEARCH__SEARXNG_URL" in problem["detail"]
    assert total == 0
