"""What an operator graphs, read from the real endpoints after jobs ran through the real stack:
Temporal dev server, Redis, a worker, the API and a Socket.IO client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client
from temporalio.service import RPCError

from jobwire.cli.devstack.ports import free_port
from jobwire.contract.states import JobState
from jobwire.observability import worker_metrics
from jobwire.observability.worker_metrics import counting_rpc_errors
from tests.helpers import assert_eventually
from tests.support.api_stack import Api
from tests.support.feed_client import FeedClient

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    """The sum over every series of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in found.items() if n == name and wanted <= ls)


@pytest.fixture
def worker_endpoint() -> Iterator[str]:
    port = free_port()
    server = worker_metrics.serve(f"127.0.0.1:{port}")
    try:
        yield f"http://127.0.0.1:{port}/metrics"
    finally:
        server.shutdown()
        server.server_close()


async def test_worker_endpoint_counts_attempts_waits_ends_and_published_events(
    api: Api, worker_endpoint: str
) -> None:
    async with httpx.AsyncClient() as scraper:
        before = samples((await scraper.get(worker_endpoint)).text)
        async with api.client() as http:
            done = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()
            failed = (
                await http.post("/api/jobs", json={"type": "count", "items": 3, "fail_at": 1})
            ).json()
            flaky = (
                await http.post("/api/jobs", json={"type": "count", "items": 3, "flaky_at": 1})
            ).json()
            await api.wait_for_state(http, done["job_id"], JobState.COMPLETED)
            await api.wait_for_state(http, flaky["job_id"], JobState.COMPLETED)
            record = await api.wait_for_state(http, failed["job_id"], JobState.FAILED)
        assert record.error is not None
        error_type = record.error.type

        async def scraped() -> Samples:
            after = samples((await scraper.get(worker_endpoint)).text)
            ends = "jobwire_job_ends_total"
            completed = {"type": "count", "outcome": "completed"}
            failure = {"type": "count", "outcome": "failed", "error_type": error_type}
            assert value(after, ends, **completed) - value(before, ends, **completed) == 2
            assert value(after, ends, **failure) - value(before, ends, **failure) == 1
            return after

        after = await assert_eventually(scraped, timeout=30)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    # done: count + summarize; failed: its count phase, final at once (a business error);
    # flaky: its count phase crashes once and is retried, then summarize
    attempts = "jobwire_phase_attempts_total"
    assert grew(attempts, type="count", phase="count", retry="false") == 3
    assert grew(attempts, type="count", phase="count", retry="true") == 1
    assert grew(attempts, type="count", phase="summarize") == 2
    assert grew("jobwire_phase_failures_total", type="count", phase="count") == 2
    assert grew("jobwire_phase_failures_total", type="count", error_type=error_type) == 1
    # The same two failed attempts, as Temporal errors of the worker, by activity and reason.
    temporal_errors = "jobwire_worker_temporal_errors_total"
    assert grew(temporal_errors, kind="activity", operation="count.count") == 2
    assert grew(temporal_errors, kind="activity", reason=error_type) == 1
    assert grew(temporal_errors, kind="activity", reason="RuntimeError") == 1
    assert grew("jobwire_queue_wait_seconds_count", type="count") == 6
    assert grew("jobwire_job_duration_seconds_count", type="count", outcome="completed") == 2
    completed_seconds = grew("jobwire_job_duration_seconds_sum", type="count", outcome="completed")
    assert 0 < completed_seconds < 60
    assert grew("jobwire_worker_events_published_total", event="job.completed") == 2
    assert grew("jobwire_worker_events_published_total", event="job.created") == 3
    assert grew("jobwire_worker_events_published_total", event="job.recovered") == 1


async def test_a_failed_temporal_call_of_the_worker_is_counted_and_still_raised(
    temporal_client: Client, worker_endpoint: str
) -> None:
    handle = temporal_client.get_workflow_handle(f"job-missing-{uuid.uuid4()}")
    labels = {"kind": "rpc", "operation": "signal_progress", "reason": "NOT_FOUND"}
    async with httpx.AsyncClient() as scraper:
        before = samples((await scraper.get(worker_endpoint)).text)
        with pytest.raises(RPCError), counting_rpc_errors("signal_progress"):
            await handle.signal("anything")
        after = samples((await scraper.get(worker_endpoint)).text)
    name = "jobwire_worker_temporal_errors_total"
    assert value(after, name, **labels) - value(before, name, **labels) == 1


async def test_api_metrics_show_clients_delivered_events_and_feed_lag(api: Api) -> None:
    """Two connections of one user: each event is two deliveries and one hand-off (one lag)."""
    feeds = [await FeedClient(api.base_url, api.token("alice")).connect() for _ in range(2)]
    try:
        async with api.client() as http:
            before = samples((await http.get("/metrics")).text)
            job = (await http.post("/api/jobs", json={"type": "count", "items": 2})).json()
            await api.wait_for_state(http, job["job_id"], JobState.COMPLETED)

            async def delivered() -> Samples:
                found = samples((await http.get("/metrics")).text)
                for feed in feeds:
                    kinds = {data["type"] for name, data in feed.received if name == "job_event"}
                    assert "job.completed" in kinds
                assert value(found, "jobwire_socket_clients") == 2
                assert value(found, "jobwire_events_relayed_total") > value(
                    before, "jobwire_events_relayed_total"
                )
                return found

            after = await assert_eventually(delivered, timeout=30)
    finally:
        for feed in feeds:
            await feed.sio.disconnect()
    received = [sum(1 for name, _ in feed.received if name == "job_event") for feed in feeds]
    relayed = value(after, "jobwire_events_relayed_total") - value(
        before, "jobwire_events_relayed_total"
    )
    lags = value(after, "jobwire_feed_lag_seconds_count") - value(
        before, "jobwire_feed_lag_seconds_count"
    )
    assert received[0] == received[1] and relayed == sum(received) and lags == received[0]
    assert 0 <= value(after, "jobwire_feed_lag_seconds_sum") < 60 * received[0]
