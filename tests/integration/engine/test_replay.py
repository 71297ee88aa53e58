"""Stored histories of every job type replay against today's JobWorkflow: a change that
would break running jobs fails here, before it is deployed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from jobwire.cli.server.worker import workflow_runner
from jobwire.contract.registry import job_types
from workflows.job_workflow import JobWorkflow

HISTORIES = sorted((Path(__file__).parents[2] / "replay" / "histories").glob("*.json"))
TEXTS = {path.stem: path.read_text() for path in HISTORIES}


def replayer() -> Replayer:
    return Replayer(
        workflows=[JobWorkflow],
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_a_stored_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, TEXTS[path.stem])
    result = await replayer().replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


def test_every_job_type_has_stored_histories() -> None:
    recorded = {path.stem.split("-example-")[0] for path in HISTORIES}
    missing = set(job_types.names()) - recorded
    assert not missing, (
        f"no stored history for {sorted(missing)}: run python -m tests.support.history_recorder"
    )


async def test_a_changed_workflow_is_caught() -> None:
    """The check has teeth: a history whose commands no longer match fails to replay."""
    data = json.loads(TEXTS["count-completed"])
    for event in data["events"]:
        attributes = event.get("activityTaskScheduledEventAttributes")
        if attributes:
            attributes["activityType"]["name"] = "count.renamed"
            break
    history = WorkflowHistory.from_json("changed", json.dumps(data))
    result = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None
