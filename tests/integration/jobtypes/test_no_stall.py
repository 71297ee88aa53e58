"""One job cannot stall another: a CSV whose stray quote once took the worker's event loop
for a minute and a half is parsed beside a trade that keeps its heartbeats, while the API
side of the same process still answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jobwire.contract.events import EventType
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.integration.jobtypes.conftest import Held, Jobs, Site

pytestmark = pytest.mark.integration


@pytest.fixture
def job_settings(settings: Settings) -> Settings:
    """A short heartbeat timeout, so a blocked loop shows as a retried trade; a record budget
    big enough that the stray quote's record is assembled in full."""
    return settings.model_copy(
        update={
            "heartbeat_timeout_seconds": 2.0,
            "job_types": {"analysis": {"max_record_bytes": 4 * 1024 * 1024}},
        }
    )


def stray_quote_csv(size: int) -> Iterator[str]:
    yield "date,close,note\n"
    yield '2026-01-01,100,"a stray quote\n'
    written, i = 0, 0
    while written < size:
        line = f"2026-01-{i % 28 + 1:02d},{100 + i % 17}.25,ok\n"
        written += len(line)
        i += 1
        yield line


async def test_a_stray_quote_csv_stalls_neither_a_bystander_trade_nor_a_read(
    jobs: Jobs, site: Site
) -> None:
    body = "".join(stray_quote_csv(1_300_000)).encode()
    held = site.held["/stray.csv"] = Held(first=body, rest=b'closing"\n2026-02-01,1,ok\n')
    trade, _ = await jobs.jobs.submit(
        "bystander",
        {
            "type": "trade",
            "symbol": "ACME",
            "side": "buy",
            "quantity": "600",
            "slices": 6,
            "duration_seconds": 6,
        },
    )
    await jobs.in_state("bystander", trade.job_id, JobState.RUNNING)
    analysis, _ = await jobs.jobs.submit(
        "parser",
        {"type": "analysis", "dataset": {"kind": "url", "url": site.url("/stray.csv")}},
    )
    await held.sent.wait()

    read = await jobs.jobs.get("bystander", trade.job_id)
    assert read.job_id == trade.job_id
    during = await jobs.jobs.get("parser", analysis.job_id)
    assert not during.state.is_terminal, "the dataset is still being served: this is mid-parse"

    held.release.set()
    failed = await jobs.finished("parser", analysis.job_id)
    done = await jobs.finished("bystander", trade.job_id)

    assert failed.state is JobState.FAILED and failed.error is not None
    assert failed.error.type == "MalformedCsv" and failed.attempt == 1
    assert done.state is JobState.COMPLETED, done.error
    recovered = [
        e for e in jobs.events.events if e.job_id == trade.job_id and e.type is EventType.RECOVERED
    ]
    assert recovered == [], "the trade's heartbeats all arrived: no attempt was retried"
    assert done.attempt == 1
