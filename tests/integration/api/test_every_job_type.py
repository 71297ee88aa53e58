"""Each built-in job type's example, submitted over HTTP and followed to its result."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.contract.job_settings import settings_for
from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.support.api_stack import Api, api_stack

pytestmark = pytest.mark.integration

EXAMPLES = sorted((Path(__file__).parents[3] / "examples").glob("*.json"))
SPECS = {path.stem: json.loads(path.read_text()) for path in EXAMPLES}


@pytest_asyncio.fixture
async def real_api(settings: Settings, temporal_client: Client, redis: Redis) -> AsyncIterator[Api]:
    async with api_stack(settings, temporal_client, redis, job_types) as running:
        yield running


@pytest.mark.parametrize("name", sorted(SPECS))
async def test_each_example_runs_to_a_result_through_the_api(real_api: Api, name: str) -> None:
    spec = SPECS[name]
    async with real_api.client() as http:
        created = await http.post("/api/jobs", json=spec)
        assert created.status_code == 201, created.text
        record = await real_api.wait_for_state(
            http, created.json()["job_id"], JobState.COMPLETED, JobState.FAILED, timeout=120
        )
        events = (await http.get(f"/api/jobs/{record.job_id}/events")).json()["events"]
    assert record.state is JobState.COMPLETED, record.error
    assert record.result and record.type == spec["type"]
    definition = job_types.get(spec["type"])
    planned = definition.phases_for(
        job_types.parse_spec(spec), settings_for(definition, real_api.settings.job_types)
    )
    assert record.phases == [phase.name for phase in planned]
    assert events[-1]["type"] == "job.completed"
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    announced = [e["data"]["phase"] for e in events if e["type"] == "job.progress"]
    assert sorted(set(announced), key=record.phases.index) == record.phases, (
        "each phase names itself in a progress event, so a timeline can show it"
    )


def test_every_job_type_has_an_example() -> None:
    assert sorted(SPECS) == job_types.names()


async def test_openapi_documents_an_example_per_job_type_and_every_error(real_api: Api) -> None:
    async with real_api.client() as http:
        schema = (await http.get("/openapi.json")).json()
    submit = schema["paths"]["/api/jobs"]["post"]
    examples = submit["requestBody"]["content"]["application/json"]["examples"]
    assert sorted(examples) == job_types.names()
    assert {e["value"]["type"] for e in examples.values()} == set(job_types.names())
    for status in ("401", "413", "422", "429"):
        content = submit["responses"][status]["content"]
        assert content["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
    for name in job_types.names():
        model = job_types.get(name).input_model.__name__
        assert model in schema["components"]["schemas"], model


async def test_cors_allows_the_configured_origins_only(
    settings: Settings, temporal_client: Client, redis: Redis
) -> None:
    allowed = settings.model_copy(update={"cors_origins": ["https://console.example"]})
    preflight = {"Access-Control-Request-Method": "POST"}
    async with api_stack(allowed, temporal_client, redis, job_types) as api, api.client() as http:
        good = await http.options(
            "/api/jobs", headers={"Origin": "https://console.example", **preflight}
        )
        bad = await http.options(
            "/api/jobs", headers={"Origin": "https://evil.example", **preflight}
        )
    assert good.headers["access-control-allow-origin"] == "https://console.example"
    assert "access-control-allow-origin" not in bad.headers
