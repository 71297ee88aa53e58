"""Names, tags and summaries on every read path, and the list's filters as Temporal's
visibility answers them (the dev server's SQLite store)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from jobwire.cli.devstack.binaries import temporal_binary
from jobwire.contract.states import JobState
from tests.helpers import assert_eventually
from tests.support.api_stack import Api

pytestmark = pytest.mark.integration


async def _submit(http: httpx.AsyncClient, **labels: object) -> dict:
    response = await http.post("/api/jobs", json={"type": "count", "items": 1, **labels})
    assert response.status_code == 201, response.text
    return response.json()


async def _listed(http: httpx.AsyncClient, params: list[tuple[str, str]], count: int) -> list:
    """The jobs the filtered list shows once visibility has caught up with ``count`` of them."""

    async def caught_up() -> tuple[list] | None:
        response = await http.get("/api/jobs", params=params)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return (items,) if len(items) == count else None

    found = await assert_eventually(caught_up, timeout=30, message=f"never {count} for {params}")
    return found[0]


async def test_a_named_tagged_job_keeps_its_labels_on_every_read_path(api: Api) -> None:
    async with api.client("nadia") as http:
        created = await _submit(http, name="nightly recount", tags=["nightly", "team:risk"])
        assert created["name"] == "nightly recount"
        assert created["tags"] == ["nightly", "team:risk"]
        assert created["summary"].startswith("count:"), created["summary"]
        job_id = created["job_id"]
        projected = await api.wait_for_state(http, job_id, JobState.COMPLETED)
        assert (projected.name, projected.tags) == ("nightly recount", ["nightly", "team:risk"])
        assert projected.summary == created["summary"]
        from_temporal = await api.jobs.get(api.user("nadia"), job_id)  # no Redis: Temporal
        assert (from_temporal.name, from_temporal.tags) == (projected.name, projected.tags)
        assert from_temporal.summary == projected.summary
        [item] = await _listed(http, [("tag", "nightly")], 1)
        assert (item["name"], item["tags"], item["summary"]) == (
            "nightly recount",
            ["nightly", "team:risk"],
            created["summary"],
        )
    description = await api.temporal.get_workflow_handle(job_id).describe()
    assert await description.static_summary() == "nightly recount"


async def test_temporals_cli_finds_a_job_by_its_tag(api: Api) -> None:
    async with api.client("tomas") as http:
        job_id = (await _submit(http, tags=["nightly"]))["job_id"]
        await _submit(http, tags=["weekly"])
    query = f"JobTags='nightly' AND JobUserId='{api.user('tomas')}'"

    async def found() -> list[str]:
        process = await asyncio.create_subprocess_exec(
            str(temporal_binary()),
            *("workflow", "list", "--query", query, "--output", "json"),
            *("--address", api.settings.temporal_address),
            *("--namespace", api.settings.temporal_namespace),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        assert process.returncode == 0, output.decode()
        return [row["execution"]["workflowId"] for row in json.loads(output or b"[]")]

    assert await assert_eventually(found, timeout=30, message="not found") == [job_id]


async def test_the_list_filters_by_tag_name_type_state_and_time(api: Api) -> None:
    async with api.client("fiona") as http:
        before = datetime.now(UTC) - timedelta(seconds=1)
        alpha = await _submit(http, name="alpha one", tags=["nightly", "eu"])
        beta = await _submit(http, name="alpha two", tags=["nightly"])
        gamma = await _submit(http, name="beta", tags=["eu"])
        for job in (alpha, beta, gamma):
            await api.wait_for_state(http, job["job_id"], JobState.COMPLETED)
        ids = lambda items: {item["job_id"] for item in items}  # noqa: E731
        assert ids(await _listed(http, [("tag", "nightly")], 2)) == {
            alpha["job_id"],
            beta["job_id"],
        }
        both = await _listed(http, [("tag", "nightly"), ("tag", "eu")], 1)
        assert ids(both) == {alpha["job_id"]}
        assert ids(await _listed(http, [("name_prefix", "alpha")], 2)) == {
            alpha["job_id"],
            beta["job_id"],
        }
        assert ids(await _listed(http, [("name_prefix", "alpha t")], 1)) == {beta["job_id"]}
        await _listed(http, [("type", "count"), ("state", "completed"), ("tag", "eu")], 2)
        await _listed(http, [("state", "running"), ("tag", "eu")], 0)
        await _listed(http, [("created_after", before.isoformat()), ("tag", "eu")], 2)
        await _listed(http, [("created_before", before.isoformat())], 0)


async def test_a_quote_in_a_filter_stays_a_literal(api: Api) -> None:
    async with api.client("quentin") as http:
        named = await _submit(http, name="it's done")
        await api.wait_for_state(http, named["job_id"], JobState.COMPLETED)
        [item] = await _listed(http, [("name_prefix", "it's")], 1)
        assert item["job_id"] == named["job_id"]
        await _listed(http, [("name_prefix", "' OR JobUserId != '")], 0)


@pytest.mark.parametrize(
    "labels",
    [
        {"tags": [f"t{i}" for i in range(11)]},
        {"tags": ["nightly", "nightly"]},
        {"tags": ["no spaces"]},
        {"tags": ["x" * 41]},
        {"name": "x" * 121},
        {"name": "two\nlines"},
        {"name": "   "},
    ],
)
async def test_labels_out_of_bounds_are_422_problems(api: Api, labels: dict) -> None:
    async with api.client("olga") as http:
        response = await http.post("/api/jobs", json={"type": "count", "items": 1, **labels})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "params",
    [
        [("tag", "no spaces")],
        [("tag", f"t{i}") for i in range(11)],
        [("name_prefix", "x" * 121)],
        [("created_after", "2026-01-02T00:00:00")],
        [("created_before", "0.5")],
        [("created_after", "2026-01-02 00:00:00Z")],
        [("type", "nosuchtype")],
    ],
)
async def test_filters_out_of_bounds_are_422_problems(api: Api, params: list) -> None:
    async with api.client("olga") as http:
        response = await http.get("/api/jobs", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
