"""Malformed, oversized and out-of-range input: a clear problem, and no job created."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
from redis.asyncio import Redis
from temporalio.client import Client

from api.app import create_app
from bench.support.counting import counting_registry
from jobwire.cli.devstack.ports import free_port
from jobwire.connections.services import Services
from jobwire.contract.registry import job_types
from jobwire.settings import Settings
from tests.support.api_stack import Api, api_stack
from tests.support.serving import serving

pytestmark = pytest.mark.integration


async def assert_no_jobs(api: Api, user: str = "alice") -> None:
    async with api.client(user) as http:
        assert (await http.get("/api/jobs/stats")).json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"type": "count", "items": 0}, "items", "greater than or equal to 1"),
        ({"type": "count", "items": 10**9}, "items", "less than or equal to 100000"),
        ({"type": "count", "items": "many"}, "items", "valid integer"),
        ({"type": "count"}, "items", "Field required"),
        ({"type": "count", "items": 1, "surprise": True}, "surprise", "Extra inputs"),
        ({"type": "launch-rockets"}, "", "launch-rockets"),
        ({"items": 3}, "", "type"),
        # Lax pydantic would read these as false and 5; the published schema says otherwise.
        ({"type": "count", "items": 1, "force": 0}, "", "force: Input should be a valid boolean"),
        ({"type": "count", "items": "5"}, "", "items: Input should be a valid integer"),
        ([1, 2, 3], "", ""),
    ],
)
async def test_invalid_specs_get_422_with_the_field_and_create_nothing(
    api: Api, body: object, field: str, words: str
) -> None:
    async with api.client() as http:
        response = await http.post("/api/jobs", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["status"] == 422 and problem["errors"]
    if field:
        assert any(e["field"].endswith(field) for e in problem["errors"]), problem
    assert words in problem["detail"] + str(problem["errors"])
    await assert_no_jobs(api)


async def test_a_whole_number_written_with_a_fraction_is_an_integer(api: Api) -> None:
    async with api.client("nina") as http:
        accepted = await http.post("/api/jobs", json={"type": "count", "items": 2.0})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["spec"]["items"] == 2


async def test_broken_json_and_wrong_content_are_422(api: Api) -> None:
    async with api.client() as http:
        broken = await http.post(
            "/api/jobs", content=b'{"type": "count", ', headers={"Content-Type": "application/json"}
        )
        assert broken.status_code == 422 and "JSON" in broken.text
        bad_query = await http.get("/api/jobs", params={"limit": 0, "state": "dreaming"})
        assert bad_query.status_code == 422
        fields = {e["field"] for e in bad_query.json()["errors"]}
        assert fields == {"limit", "state"}
        unknown_type = await http.get("/api/jobs", params={"type": "nope"})
        assert unknown_type.status_code == 422
        garbage_id = await http.get("/api/jobs/../../etc")
        assert garbage_id.status_code == 404
        not_an_id = await http.get("/api/jobs/hello")
        assert not_an_id.status_code == 404 and not_an_id.json()["title"] == "Job not found"
    await assert_no_jobs(api)


async def test_an_oversized_body_is_413_before_it_is_read(api: Api) -> None:
    big = b'{"type": "count", "items": 1, "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    async with api.client() as http:
        declared = await http.post(
            "/api/jobs", content=big, headers={"Content-Type": "application/json"}
        )
        assert declared.status_code == 413
        assert declared.json()["detail"] == "request bodies are limited to 1048576 bytes"

        async def chunks():  # no Content-Length: the size is only known while streaming
            for start in range(0, len(big), 64 * 1024):
                yield big[start : start + 64 * 1024]

        streamed = await http.post(
            "/api/jobs", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
    await assert_no_jobs(api)


@asynccontextmanager
async def limited_to_three(api: Api, settings: Settings) -> AsyncIterator[None]:
    """``api`` served again, at three jobs a minute per user, while in the block."""
    tight = settings.model_copy(update={"jobs_per_minute_per_user": 3})
    services = Services(settings=tight, temporal=api.temporal, redis=api.redis)
    app = create_app(tight, services=services, registry=counting_registry())
    async with serving(app, free_port()) as base_url:
        api.base_url = base_url
        yield


async def test_job_creation_is_rate_limited_per_user_with_retry_after(
    api: Api, settings: Settings
) -> None:
    async with (
        limited_to_three(api, settings),
        api.client("eve") as eve,
        api.client("frank") as frank,
    ):
        answers = [
            (await eve.post("/api/jobs", json={"type": "count", "items": 1})).status_code
            for _ in range(4)
        ]
        assert answers == [201, 201, 201, 429]
        refused = await eve.post("/api/jobs", json={"type": "count", "items": 1})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["type"].endswith("/rate-limited")
        assert (
            await frank.post("/api/jobs", json={"type": "count", "items": 1})
        ).status_code == 201
        assert (await eve.get("/api/jobs/stats")).json()["total"] == 3


async def test_keyed_submissions_over_the_limit_start_no_job_and_repeats_do_not_count(
    api: Api, settings: Settings
) -> None:
    spec = {"type": "count", "items": 1}
    async with limited_to_three(api, settings), api.client("gina") as gina:
        first = await gina.post("/api/jobs", json=spec, headers={"Idempotency-Key": "k-0"})
        assert first.status_code == 201
        for _ in range(3):  # a used key answers its job and spends nothing
            again = await gina.post("/api/jobs", json=spec, headers={"Idempotency-Key": "k-0"})
            assert again.status_code == 200
            assert again.json()["job_id"] == first.json()["job_id"]
        answers = [
            (
                await gina.post("/api/jobs", json=spec, headers={"Idempotency-Key": f"k-{n}"})
            ).status_code
            for n in range(1, 6)
        ]
        assert answers == [201, 201, 429, 429, 429]
        assert (await gina.get("/api/jobs/stats")).json()["total"] == 3


async def test_what_the_fuzzer_found_stays_fixed(api: Api) -> None:
    async with api.client() as http:
        version = await http.post(
            "/api/jobs", json={"type": "count", "items": 1, "schema_version": -728205}
        )
        assert version.status_code == 422
        assert version.json()["errors"][0]["field"] == "schema_version"
        job_id = (await http.post("/api/jobs", json={"type": "count", "items": 1})).json()["job_id"]
        huge = await http.get(f"/api/jobs/{job_id}/events", params={"since": 10**21})
        assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "since"
        forged = await http.get("/api/jobs", params={"cursor": "0" * 64})
        assert forged.status_code == 422 and forged.json()["errors"][0]["field"] == "cursor"
        binary = await http.post(
            "/api/jobs", content=b"s\x02\xff\x12", headers={"Content-Type": "application/json"}
        )
        assert binary.status_code in {400, 422}
        assert binary.headers["content-type"] == "application/problem+json"
        assert (await http.get("/api/jobs/stats")).json()["total"] == 1


@pytest_asyncio.fixture
async def real_api(settings: Settings, temporal_client: Client, redis: Redis) -> AsyncIterator[Api]:
    """The built-in job types behind the API, so their own bounds are what is checked."""
    async with api_stack(settings, temporal_client, redis, job_types) as running:
        yield running


TEXT = {"kind": "text", "text": "Workers heartbeat their checkpoints."}
GENERATED = {"type": "analysis", "dataset": {"kind": "generated", "rows": 100}}
TRADE = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "10"}


def inline(value: str) -> bytes:
    """An analysis spec with one inline cell written as raw JSON (``json=`` cannot say 1e400)."""
    rows = '[{"close": ' + value + "}]"
    return ('{"type": "analysis", "dataset": {"kind": "inline", "rows": ' + rows + "}}").encode()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            {"type": "analysis", "dataset": {"kind": "file", "path": "prices\x00.csv"}},
            "dataset.file.path",
            "U+0000",
        ),
        (
            {"type": "research", "question": "why \x1b[2J now", "sources": [TEXT]},
            "question",
            "U+001B",
        ),
        (
            {"type": "research", "question": "why", "sources": [{"kind": "text", "text": "a\x00"}]},
            "sources.0.text.text",
            "U+0000",
        ),
        (inline("1e400"), "dataset.inline.rows.0.close", "finite"),
        (inline("1e300"), "dataset.inline.rows.0.close", "1e+12"),
        (inline("1e-300"), "dataset.inline.rows.0.close", "1e-12"),
        (inline("NaN"), "dataset.rows.0.close", "NaN is not a JSON number"),
        (inline("-Infinity"), "dataset.rows.0.close", "Infinity is not a JSON number"),
        (
            GENERATED | {"dataset": {"kind": "generated", "start": 1e308}},
            "dataset.generated.start",
            "less than or equal to",
        ),
        (
            TRADE | {"strategy": "vwap", "slices": 2, "volume_profile": [1e308, 1e308]},
            "volume_profile.0",
            "less than or equal to",
        ),
        (TRADE | {"quantity": 1e300}, "quantity", "digits"),
        (
            {"type": "research", "question": "why is it", "sources": [TEXT] * 21},
            "sources",
            "at most 20",
        ),
    ],
)
async def test_specs_a_worker_cannot_compute_with_are_422_before_any_workflow(
    real_api: Api, body: dict[str, object] | bytes, field: str, words: str
) -> None:
    async with real_api.client() as http:
        if isinstance(body, bytes):
            response = await http.post(
                "/api/jobs", content=body, headers={"Content-Type": "application/json"}
            )
        else:
            response = await http.post("/api/jobs", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == field, problem
    assert words in problem["detail"], problem
    await assert_no_jobs(real_api)


async def test_the_openapi_schema_publishes_the_bounds(real_api: Api) -> None:
    async with real_api.client() as http:
        schemas = (await http.get("/openapi.json")).json()["components"]["schemas"]
    assert schemas["ResearchInput"]["properties"]["sources"]["maxItems"] == 20
    assert schemas["GeneratedDataset"]["properties"]["start"]["maximum"] == 1e9
    profile = schemas["TradeInput"]["properties"]["volume_profile"]["anyOf"][0]
    assert profile["items"]["maximum"] == 1e9
    quantity = schemas["TradeInput"]["properties"]["quantity"]["anyOf"][0]
    assert quantity["exclusiveMaximum"] == 1e12
    cell = schemas["InlineDataset"]["properties"]["rows"]["items"]["additionalProperties"]
    assert {"type": "number", "minimum": -1e12, "maximum": 1e12} in cell["anyOf"]


async def test_nan_and_infinity_as_words_in_text_are_accepted(real_api: Api) -> None:
    spec = {
        "type": "research",
        "question": "Is NaN or -Infinity a number?",
        "sources": [{"kind": "text", "title": "NaN", "text": "Infinity\tand NaN\r\nare words."}],
    }
    async with real_api.client() as http:
        created = await http.post("/api/jobs", json=spec)
        assert created.status_code == 201, created.text
        assert created.json()["spec"]["question"] == spec["question"]
