"""Every way of calling without a valid token is refused, and one user never sees another's."""

from __future__ import annotations

import warnings
from datetime import timedelta

import httpx
import jwt
import pytest

from jobwire.auth.tokens import issue_token
from tests.support.api_stack import Api

pytestmark = pytest.mark.integration

JOB_ROUTES = [
    ("GET", "/api/jobs/{id}"),
    ("GET", "/api/jobs/{id}/events"),
    ("POST", "/api/jobs/{id}/pause"),
    ("POST", "/api/jobs/{id}/resume"),
    ("POST", "/api/jobs/{id}/cancel"),
    ("POST", "/api/jobs/{id}/restart"),
]


def forged_tokens(api: Api) -> dict[str, str]:
    secret = api.settings.jwt_signing_secret
    claims = {"sub": "alice", "exp": 4_000_000_000}
    unsigned = jwt.encode(claims, key="", algorithm="none")
    with warnings.catch_warnings():  # the right secret, a weaker-keyed algorithm: refused
        warnings.simplefilter("ignore")
        hs512 = jwt.encode(claims, secret, algorithm="HS512")
    return {
        "malformed": "not-a-jwt",
        "wrong signature": jwt.encode(claims, "another-secret-" + "y" * 32, algorithm="HS256"),
        "alg none": unsigned,
        "expired": issue_token(api.settings, "alice", ttl=timedelta(seconds=-5)),
        "no subject": jwt.encode({"exp": 4_000_000_000}, secret, algorithm="HS256"),
        "HS512 not allowed": hs512,
        "expiry past year 9999": jwt.encode({"sub": "alice", "exp": 10**20}, secret, "HS256"),
        "a NUL in the subject": jwt.encode({"sub": "al\x00ice", "exp": 4_000_000_000}, secret),
        "a 10,000-character subject": jwt.encode({"sub": "a" * 10_000, "exp": 4 * 10**9}, secret),
    }


async def test_no_token_and_every_bad_token_get_401_problems(api: Api) -> None:
    async with httpx.AsyncClient(base_url=api.base_url) as http:
        missing = await http.get("/api/jobs")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert missing.headers["content-type"] == "application/problem+json"
        for name, token in forged_tokens(api).items():
            headers = {"Authorization": f"Bearer {token}"}
            for method, path in [("GET", "/api/jobs"), ("POST", "/api/jobs")]:
                response = await http.request(
                    method, path, headers=headers, json={"type": "count", "items": 1}
                )
                assert response.status_code == 401, (name, method, response.text)
                assert response.json()["title"] == "Unauthorized"
        basic = await http.get("/api/jobs", headers={"Authorization": "Basic YWxpY2U6eA=="})
        assert basic.status_code == 401
    async with api.client() as http:
        stats = (await http.get("/api/jobs/stats")).json()
    assert stats["total"] == 0, "no refused request created a job"


async def test_another_users_job_is_404_everywhere_exactly_like_a_missing_one(api: Api) -> None:
    async with api.client("alice") as alice, api.client("mallory") as mallory:
        job_id = (
            await alice.post(
                "/api/jobs", json={"type": "count", "items": 300, "item_seconds": 0.05}
            )
        ).json()["job_id"]
        missing_id = "job-00000000-0000-4000-8000-000000000000"
        for method, template in JOB_ROUTES:
            theirs = await mallory.request(method, template.format(id=job_id))
            nothing = await mallory.request(method, template.format(id=missing_id))
            assert theirs.status_code == nothing.status_code == 404, (template, theirs.text)
            assert theirs.json()["title"] == "Job not found"
            assert theirs.text.replace(job_id, "ID") == nothing.text.replace(missing_id, "ID")
        listed = (await mallory.get("/api/jobs")).json()
        assert listed["items"] == []
        stats = (await mallory.get("/api/jobs/stats")).json()
        assert stats["total"] == 0 and sum(stats["by_state"].values()) == 0
        mine = (await alice.get(f"/api/jobs/{job_id}")).json()
        assert mine["state"] in {"created", "running"}, "mallory's attempts changed nothing"
        await alice.post(f"/api/jobs/{job_id}/cancel")
