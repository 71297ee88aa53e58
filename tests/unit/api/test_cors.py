"""A console served from another origin (one of ``cors_origins``) may call every method the
API has: deleting a job and changing a schedule included."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from bench.support.counting import counting_registry
from jobwire.settings import Settings

ORIGIN = "https://console.example"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/jobs/job-00000000-0000-4000-8000-000000000000"),
        ("PATCH", "/api/schedules/schedule-00000000-0000-4000-8000-000000000000"),
        ("POST", "/api/jobs"),
    ],
)
async def test_a_preflight_from_an_allowed_origin_allows_the_method(method: str, path: str) -> None:
    app = create_app(Settings(cors_origins=[ORIGIN]), registry=counting_registry())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        response = await http.options(
            path,
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": method},
        )
    assert response.status_code == 200, response.text
    assert method in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-origin"] == ORIGIN


async def test_a_preflight_from_another_origin_is_refused() -> None:
    app = create_app(Settings(cors_origins=[ORIGIN]), registry=counting_registry())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        response = await http.options(
            "/api/jobs",
            headers={"Origin": "https://attacker.example", "Access-Control-Request-Method": "POST"},
        )
    assert response.status_code == 400
