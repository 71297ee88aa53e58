"""A job's end counts once, when it happens: replaying its history (a worker that lost its
cache, a new worker taking the job over) records nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from jobwire.cli.server.worker import workflow_runner
from jobwire.observability.worker_interceptor import MetricsInterceptor
from jobwire.observability.worker_metrics import WorkerMetrics
from workflows.job_workflow import JobWorkflow

HISTORIES = Path(__file__).parents[2] / "replay" / "histories"
ENDED = ("count-completed", "count-failed", "count-cancelled", "count-retried")


@pytest.mark.parametrize("name", ENDED)
async def test_replaying_an_ended_job_counts_no_end(name: str) -> None:
    metrics = WorkerMetrics()
    replayer = Replayer(
        workflows=[JobWorkflow],
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
        interceptors=[MetricsInterceptor(metrics)],
    )
    history = WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
    counted = [
        sample
        for family in metrics.registry.collect()
        if family.name in {"jobwire_job_ends", "jobwire_job_duration_seconds"}
        for sample in family.samples
    ]
    assert counted == [], counted
