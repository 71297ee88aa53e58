"""A job's percent is one number: the workflow's phase ranges, a phase's events and a read
from Temporal's heartbeat all weigh phases the same way (a trade is 1/8/1)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from temporalio.api.common.v1 import ActivityType, Payloads
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionResponse
from temporalio.contrib.pydantic import pydantic_data_converter

from jobwire.contract.phases import Checkpoint
from jobwire.contract.progress import job_percent, phase_range, weights_for, within
from jobwire.contract.registry import job_types
from jobwire.jobs.reading import JobReader
from tests.support.job_records import job_record
from tests.unit.jobtypes.harness import Harness, unit_settings

TRADE = [1.0, 8.0, 1.0]


def test_a_trade_one_slice_of_ten_into_execute_is_at_18_percent() -> None:
    assert phase_range(TRADE, 1) == (10.0, 90.0)
    assert job_percent(TRADE, 1, 1, 10) == pytest.approx(18.0)
    assert job_percent(TRADE, 2, 1, 1) == pytest.approx(100.0)
    assert within((10.0, 90.0), 0, None) == 10.0, "an unknown total stays at the phase's start"


def test_a_record_without_weights_splits_its_phases_equally() -> None:
    assert weights_for(["a", "b"], []) == [1.0, 1.0]
    assert weights_for(["a", "b"], [3.0]) == [1.0, 1.0], "weights that do not match are ignored"
    assert weights_for(["a", "b"], [3.0, 1.0]) == [3.0, 1.0]


def test_a_phases_events_use_the_same_percent_as_the_job() -> None:
    definition = job_types.get("trade")
    weights = [phase.weight for phase in definition.phases]
    ctx = Harness(unit_settings()).context(
        {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "100", "slices": 10},
        "execute",
    )
    ctx._input = ctx._input.model_copy(
        update=dict(zip(("progress_start", "progress_end"), phase_range(weights, 1), strict=True))
    )
    assert ctx.percent(1, 10) == pytest.approx(job_percent(weights, 1, 1, 10))


async def test_a_read_from_temporals_heartbeat_weighs_phases_as_the_workflow_does() -> None:
    """Reading the heartbeat once split phases equally: 36.7 % where the feed said 18 %."""
    record = job_record(
        "job-1",
        "u",
        type="trade",
        phase="execute",
        phases=["check", "execute", "settle"],
        phase_weights=TRADE,
        progress=10.0,
    )
    now = datetime.now(UTC)
    beat = Checkpoint(phase="execute", position="slice 1", done=1, total=10, taken_at=now)
    payloads = await pydantic_data_converter.encode([beat])
    pending = PendingActivityInfo(
        activity_type=ActivityType(name="trade.execute"),
        heartbeat_details=Payloads(payloads=payloads),
        attempt=1,
    )
    description: Any = SimpleNamespace(
        raw_description=DescribeWorkflowExecutionResponse(pending_activities=[pending]),
        typed_search_attributes=SimpleNamespace(get=lambda key: None),
        raw_info=None,
    )
    reader = JobReader(SimpleNamespace(data_converter=pydantic_data_converter))  # type: ignore[arg-type]
    read = await reader._with_activity_view(record, description)
    assert read.progress == pytest.approx(18.0)
