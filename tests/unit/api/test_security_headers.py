"""The console, the docs and the API send security headers; /metrics can ask for a token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from pydantic import SecretStr

from api.app import create_app
from bench.support.counting import counting_registry
from jobwire.settings import Settings


def _client(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, registry=counting_registry())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api")


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with _client(Settings()) as client:
        yield client


def directives(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {part.split(" ", 1)[0]: part.partition(" ")[2] for part in policy.split("; ")}


@pytest.mark.parametrize("path", ["/", "/docs", "/redoc", "/openapi.json", "/api/jobs"])
async def test_every_page_refuses_framing_sniffing_and_referrers(
    http: httpx.AsyncClient, path: str
) -> None:
    response = await http.get(path)
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert directives(response)["frame-ancestors"] == "'none'"


async def test_the_console_may_load_only_its_own_assets(http: httpx.AsyncClient) -> None:
    policy = directives(await http.get("/"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"


async def test_the_docs_pages_allow_exactly_what_they_load(http: httpx.AsyncClient) -> None:
    for path in ("/docs", "/redoc"):
        page = await http.get(path)
        assert page.status_code == 200
        policy = directives(page)
        assert policy["default-src"] == "'none'"
        scripts = re.findall(r'<script src="([^"]+)"', page.text)
        assert scripts, page.text
        allowed = policy["script-src"].split()
        for src in scripts:
            assert any(
                src.startswith(source) for source in allowed if source.startswith("https")
            ), (
                src,
                allowed,
            )
        inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
        hashes = [s for s in allowed if s.startswith("'sha256-")]
        assert len(hashes) == len(inline), "every inline script, and only those, by hash"
        assert "'unsafe-eval'" not in policy["script-src"]


async def test_metrics_are_open_without_a_token_setting(http: httpx.AsyncClient) -> None:
    assert (await http.get("/metrics")).status_code == 200


async def test_metrics_need_the_bearer_token_once_one_is_set() -> None:
    settings = Settings(metrics_token=SecretStr("scrape-me-" + "x" * 22))
    async with _client(settings) as http:
        anonymous = await http.get("/metrics")
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"] == "application/problem+json"
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await http.get(
            "/metrics", headers={"Authorization": "Bearer scrape-me-" + "x" * 22}
        )
        assert right.status_code == 200 and "jobwire_" in right.text
