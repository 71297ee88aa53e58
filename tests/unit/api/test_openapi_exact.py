"""The served OpenAPI publishes what the server validates, and methods answer with ``Allow``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from bench.support.counting import counting_registry
from jobwire.settings import Settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return create_app(Settings()).openapi()  # the installed job types, as served


def component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def test_every_union_tag_is_required_in_every_member(schema: dict[str, Any]) -> None:
    # {"dataset": {"rows": [{}]}} passed the published schema, and the server refused it.
    body = schema["paths"]["/api/jobs"]["post"]["requestBody"]["content"]["application/json"]
    union = body["schema"]
    assert union["discriminator"]["propertyName"] == "type"
    for ref in union["discriminator"]["mapping"].values():
        assert "type" in component(schema, ref)["required"], ref
    analysis = component(schema, union["discriminator"]["mapping"]["analysis"])
    datasets = analysis["properties"]["dataset"]["discriminator"]["mapping"]
    for ref in datasets.values():
        assert "kind" in component(schema, ref)["required"], ref


def test_the_restart_body_is_the_same_union_as_a_submission(schema: dict[str, Any]) -> None:
    submit = schema["paths"]["/api/jobs"]["post"]["requestBody"]["content"]["application/json"]
    restart = component(schema, "#/components/schemas/RestartRequest")
    assert restart["additionalProperties"] is False
    spec = restart["properties"]["spec"]["anyOf"]
    assert {"type": "null"} in spec
    published = next(option for option in spec if "oneOf" in option)
    assert published["oneOf"] == submit["schema"]["oneOf"], "not a bare object any more"


def test_ids_cursors_and_limits_carry_the_servers_bounds(schema: dict[str, Any]) -> None:
    listing = {p["name"]: p["schema"] for p in schema["paths"]["/api/jobs"]["get"]["parameters"]}
    cursor = next(option for option in listing["cursor"]["anyOf"] if option["type"] == "string")
    assert cursor["pattern"] == "^[A-Za-z0-9_-]+$" and cursor["maxLength"] == 4096
    assert (listing["limit"]["minimum"], listing["limit"]["maximum"]) == (1, 200)
    job = schema["paths"]["/api/jobs/{job_id}"]["get"]["parameters"][0]["schema"]
    assert job["pattern"].startswith("^job-")


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/jobs", "GET, OPTIONS, POST"),
        ("/api/jobs/stats", "GET, OPTIONS"),
        ("/api/jobs/job-00000000-0000-4000-8000-000000000000/pause", "OPTIONS, POST"),
        ("/healthz", "GET, OPTIONS"),
    ],
)
async def test_options_and_unsupported_methods_name_every_allowed_method(
    path: str, allow: str
) -> None:
    app = create_app(Settings(), registry=counting_registry())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        options = await http.options(path)
        assert options.status_code == 204 and options.headers["allow"] == allow
        refused = await http.delete(path)
        assert refused.status_code == 405 and refused.headers["allow"] == allow
        assert refused.headers["content-type"] == "application/problem+json"
        assert (await http.options("/no/such/path")).status_code == 404


def test_the_consoles_schedule_form_fixture_is_what_is_served(schema: dict[str, Any]) -> None:
    """web/test/scheduleForm.test.ts builds the console's timetable fields from this file; it
    must be the served ``ScheduleRequest`` (less its job-type union) and ``Overlap``."""
    fixture = json.loads((FIXTURES / "openapi" / "schedule-request.json").read_text())
    fixed = fixture["components"]["schemas"]
    served = schema["components"]["schemas"]
    assert fixed["Overlap"] == served["Overlap"]
    request = {**served["ScheduleRequest"]}
    left_out = fixed["ScheduleRequest"]["properties"]["spec"]
    request["properties"] = {**request["properties"], "spec": left_out}
    assert fixed["ScheduleRequest"] == request, "regenerate the fixture from the served schema"


def test_every_operation_with_a_body_documents_the_bodys_refusals(schema: dict[str, Any]) -> None:
    """A body that is not JSON is a 400 and one over the size limit a 413, on every route
    that takes one (the fuzzer found a new route that did not say so)."""
    undocumented = [
        f"{method.upper()} {path}: {code}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
        for code in ("400", "413", "422")
        if code not in operation["responses"]
    ]
    assert undocumented == []
