"""``fork`` on the async and the sync client: its route, its body, the new record."""

from __future__ import annotations

import json

import httpx

from jobwire.client import SyncJobwireClient
from tests.unit.client.test_http import BASE, client_for, record_json


async def test_fork_posts_the_phase_the_patch_and_the_checkpoint_flag() -> None:
    client, seen = client_for(lambda r: httpx.Response(201, json=record_json("job-new")))
    async with client:
        job = await client.fork("job-1", "report", spec={"top_k": 2}, from_checkpoint=True)
    request = seen.requests[0]
    assert (request.method, request.url.path) == ("POST", "/api/jobs/job-1/fork")
    assert json.loads(request.content) == {
        "from_phase": "report",
        "from_checkpoint": True,
        "spec": {"top_k": 2},
    }
    assert job.job_id == "job-new"


async def test_fork_without_a_patch_sends_no_spec() -> None:
    client, seen = client_for(lambda r: httpx.Response(201, json=record_json("job-new")))
    async with client:
        await client.fork("job-1", "rank")
    assert json.loads(seen.requests[0].content) == {"from_phase": "rank", "from_checkpoint": False}


def test_the_sync_client_forks_too() -> None:
    sent: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(201, json=record_json("job-new"))

    with SyncJobwireClient(BASE, "tok", transport=httpx.MockTransport(handler)) as client:
        job = client.fork("job-1", "settle", from_checkpoint=True)
    assert job.job_id == "job-new"
    assert sent == [{"from_phase": "settle", "from_checkpoint": True}]
