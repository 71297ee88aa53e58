"""Forking ended jobs from a phase: the phases before it are never run again (Temporal's history
of the new job schedules none of their activities, and no source is fetched twice), their
outputs come from the source, and a fork may go on from the source's checkpoint."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from jobwire.contract.events import EventType
from jobwire.contract.phases import PhaseInput
from jobwire.contract.records import ForkOrigin
from jobwire.contract.states import JobAction, JobState
from jobwire.errors import IllegalTransition, InvalidSpec, JobNotFound
from tests.helpers import assert_eventually
from tests.integration.jobtypes.conftest import Jobs, Site
from tests.integration.jobtypes.test_research import QUESTION, publish_pages

pytestmark = pytest.mark.integration


async def scheduled_phases(temporal: Client, job_id: str) -> list[PhaseInput]:
    """The input of every phase activity the job's history scheduled, in order."""
    history = await temporal.get_workflow_handle(job_id).fetch_history()
    found = []
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            attributes = event.activity_task_scheduled_event_attributes
            values = await temporal.data_converter.decode(attributes.input.payloads, [PhaseInput])
            found.append(values[0])
    return found


async def test_a_research_job_forked_at_report_fetches_no_source_again(
    jobs: Jobs, site: Site, temporal_client: Client
) -> None:
    urls = publish_pages(site, 4)
    spec = {
        "type": "research",
        "question": QUESTION,
        "top_k": 3,
        "sources": [{"kind": "url", "url": u} for u in urls],
    }
    source, _ = await jobs.jobs.submit("rita", spec)
    done = await jobs.finished("rita", source.job_id)
    assert done.state is JobState.COMPLETED, done.error
    hits = dict(site.hits)
    assert sum(hits.values()) == 4

    plan = await jobs.jobs.plan_fork("rita", source.job_id, "report", spec={"top_k": 1})
    fork = await jobs.jobs.start_fork(plan)
    forked = await jobs.finished("rita", fork.job_id)

    assert forked.state is JobState.COMPLETED, forked.error
    assert fork.job_id != source.job_id
    assert forked.forked_from == ForkOrigin(job_id=source.job_id, phase="report")
    assert dict(site.hits) == hits, "no source was fetched again"
    ran = [phase.phase for phase in await scheduled_phases(temporal_client, fork.job_id)]
    assert ran == ["report"], "fetch and rank never ran in the fork"
    assert forked.result is not None and done.result is not None
    assert len(forked.result["citations"]) == 1, "the amended spec reached the report"
    assert forked.result["citations"][0] == done.result["citations"][0]
    assert forked.result["sources"] == done.result["sources"]
    reused = [
        e.data["reused"]
        for e in jobs.events.events
        if e.job_id == fork.job_id and e.type is EventType.LOG and "reused" in e.data
    ]
    assert reused == [
        {"phase": "fetch", "from": source.job_id},
        {"phase": "rank", "from": source.job_id},
    ]
    created = next(
        e for e in jobs.events.events if e.job_id == fork.job_id and e.type is EventType.CREATED
    )
    assert created.data["forked_from"] == {"job_id": source.job_id, "phase": "report"}


def write_prices(path: Path, rows: int) -> None:
    path.write_text(
        "price,volume\n" + "".join(f"{100 + i % 7}.{i % 10}0,{1 + i % 3}\n" for i in range(rows))
    )


async def failed_trade_in_execute(jobs: Jobs, files_root: Path) -> str:
    """A trade whose ``execute`` fails for good after two of its slices: its price file is
    gone when the paused job resumes."""
    prices = files_root / "prices.csv"
    write_prices(prices, 40)
    spec = {
        "type": "trade",
        "symbol": "ACME",
        "side": "buy",
        "quantity": "600",
        "slices": 6,
        "duration_seconds": 12,
        "prices": {"kind": "csv", "path": "prices.csv"},
    }
    record, _ = await jobs.jobs.submit("trudy", spec)

    async def two_slices_sent() -> bool:
        got = await jobs.jobs.get("trudy", record.job_id)
        return got.phase == "execute" and got.progress >= 30

    await assert_eventually(two_slices_sent, timeout=60)
    await jobs.jobs.control("trudy", record.job_id, JobAction.PAUSE)
    await jobs.in_state("trudy", record.job_id, JobState.PAUSED)
    prices.unlink()
    await jobs.jobs.control("trudy", record.job_id, JobAction.RESUME)
    failed = await jobs.finished("trudy", record.job_id)
    assert failed.state is JobState.FAILED and failed.error is not None
    assert failed.error.phase == "execute", failed.error
    write_prices(prices, 40)
    return record.job_id


async def test_a_failed_trade_forked_at_execute_reuses_its_checks(
    jobs: Jobs, files_root: Path, temporal_client: Client
) -> None:
    source = await failed_trade_in_execute(jobs, files_root)
    checks = (await scheduled_phases(temporal_client, source))[-1].previous["check"]

    with pytest.raises(InvalidSpec) as refused:
        await jobs.jobs.plan_fork("trudy", source, "settle")
    assert refused.value.errors[0]["field"] == "from_phase"
    assert "did not finish execute" in refused.value.detail

    plan = await jobs.jobs.plan_fork("trudy", source, "execute", spec={"duration_seconds": 0.5})
    fork = await jobs.jobs.start_fork(plan)
    done = await jobs.finished("trudy", fork.job_id)

    assert done.state is JobState.COMPLETED, done.error
    phases = await scheduled_phases(temporal_client, fork.job_id)
    assert [p.phase for p in phases] == ["execute", "settle"]
    assert phases[0].previous == {"check": checks} and phases[0].resume_from is None
    assert done.result is not None
    assert done.result["arrival_price"] == checks["arrival_price"]
    assert Decimal(done.result["filled_quantity"]) == 600


async def test_a_fork_from_the_checkpoint_goes_on_where_the_source_stopped(
    jobs: Jobs, temporal_client: Client
) -> None:
    spec: dict[str, Any] = {
        "type": "analysis",
        "dataset": {"kind": "generated", "rows": 400_000, "seed": 5},
        "chunk_rows": 2000,
    }
    record, _ = await jobs.jobs.submit("ana", spec)

    async def under_way() -> bool:
        return (await jobs.jobs.get("ana", record.job_id)).progress >= 20

    await assert_eventually(under_way, timeout=60)
    await jobs.jobs.control("ana", record.job_id, JobAction.PAUSE)
    paused = await jobs.in_state("ana", record.job_id, JobState.PAUSED)
    assert paused.checkpoint is not None and paused.progress < 90
    await jobs.jobs.control("ana", record.job_id, JobAction.CANCEL)
    await jobs.in_state("ana", record.job_id, JobState.CANCELLED)

    with pytest.raises(InvalidSpec) as refused:
        await jobs.jobs.plan_fork("ana", record.job_id, "report", from_checkpoint=True)
    assert refused.value.errors[0]["field"] == "from_phase", "scan never finished"

    plan = await jobs.jobs.plan_fork("ana", record.job_id, "scan", from_checkpoint=True)
    fork = await jobs.jobs.start_fork(plan)
    done = await jobs.finished("ana", fork.job_id)
    whole, _ = await jobs.jobs.submit("ana", spec)
    uninterrupted = await jobs.finished("ana", whole.job_id)

    assert done.state is JobState.COMPLETED, done.error
    scan = (await scheduled_phases(temporal_client, fork.job_id))[0]
    assert scan.phase == "scan" and scan.resume_from is not None
    assert scan.resume_from.position == paused.checkpoint.position
    assert scan.resume_from.done > 0
    assert done.result == uninterrupted.result


async def test_a_fork_needs_an_ended_job_of_the_caller_and_a_real_phase(jobs: Jobs) -> None:
    spec = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "300", "slices": 3}
    record, _ = await jobs.jobs.submit("trudy", spec)

    async def executing() -> bool:
        return (await jobs.jobs.get("trudy", record.job_id)).phase == "execute"

    await assert_eventually(executing, timeout=60)
    await jobs.jobs.control("trudy", record.job_id, JobAction.PAUSE)
    await jobs.in_state("trudy", record.job_id, JobState.PAUSED)

    with pytest.raises(IllegalTransition) as refused:
        await jobs.jobs.plan_fork("trudy", record.job_id, "execute")
    assert refused.value.state == "paused"
    with pytest.raises(JobNotFound):
        await jobs.jobs.plan_fork("mallory", record.job_id, "execute")

    await jobs.jobs.control("trudy", record.job_id, JobAction.CANCEL)
    await jobs.in_state("trudy", record.job_id, JobState.CANCELLED)
    with pytest.raises(JobNotFound):
        await jobs.jobs.plan_fork("mallory", record.job_id, "execute")
    refusals: dict[str, dict[str, Any]] = {
        "from_phase": {"from_phase": "nowhere"},
        "from_checkpoint": {"from_phase": "check", "from_checkpoint": True},
        "spec.type": {"from_phase": "execute", "spec": {"type": "analysis"}},
        "spec.slices": {"from_phase": "execute", "spec": {"slices": 0}},
    }
    for field, arguments in refusals.items():
        with pytest.raises(InvalidSpec) as refusal:
            await jobs.jobs.plan_fork("trudy", record.job_id, **arguments)
        assert refusal.value.errors[0]["field"] == field, arguments
    plan = await jobs.jobs.plan_fork("trudy", record.job_id, "execute", from_checkpoint=True)
    assert plan.start.checkpoint is not None and plan.start.checkpoint.phase == "execute"
    assert list(plan.start.outputs) == ["check"]


async def test_a_trade_forked_at_settle_reconciles_the_source_orders(
    jobs: Jobs, temporal_client: Client
) -> None:
    spec = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "300", "slices": 3}
    record, _ = await jobs.jobs.submit("trudy", spec | {"duration_seconds": 0.3})
    source = await jobs.finished("trudy", record.job_id)
    assert source.state is JobState.COMPLETED, source.error

    fork = await jobs.jobs.start_fork(await jobs.jobs.plan_fork("trudy", record.job_id, "settle"))
    done = await jobs.finished("trudy", fork.job_id)

    assert [p.phase for p in await scheduled_phases(temporal_client, fork.job_id)] == ["settle"]
    assert done.result is not None and source.result is not None
    assert done.result["fills"] == source.result["fills"], "no order was placed again"
    ids = [fill["client_order_id"] for fill in done.result["fills"]]
    assert ids == [f"{record.job_id}:slice-{i:04d}" for i in range(3)]
