"""`jobwire setup` registers the search attributes on a namespace that lacks them, once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest
from temporalio.client import Client
from typer.testing import CliRunner

from jobwire.cli.main import app
from jobwire.connections.temporal_setup import missing_search_attributes
from tests.helpers import assert_eventually

pytestmark = pytest.mark.integration


async def new_namespace(temporal_client: Client, prefix: str) -> str:
    """A fresh namespace that keeps ended workflows for a day and has no jobwire attributes."""
    namespace = f"{prefix}-{uuid.uuid4().hex[:8]}"
    await temporal_client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=namespace,
            workflow_execution_retention_period=timedelta(days=1),  # type: ignore[arg-type]
        )
    )
    return namespace


async def test_setup_adds_missing_attributes_then_reports_them_present(
    temporal_client: Client, temporal_dev, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    namespace = await new_namespace(temporal_client, "setup")
    assert await missing_search_attributes(temporal_client, namespace)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBWIRE_TEMPORAL_ADDRESS", temporal_dev.address)
    monkeypatch.setenv("JOBWIRE_TEMPORAL_NAMESPACE", namespace)
    runner = CliRunner()  # the command runs its own event loop, so it runs in a thread

    async def attributes_added() -> bool:
        result = await asyncio.to_thread(runner.invoke, app, ["setup"])
        assert result.exit_code == 0, result.output
        return not await missing_search_attributes(temporal_client, namespace)

    await assert_eventually(attributes_added, timeout=30, interval=1)
    again = await asyncio.to_thread(runner.invoke, app, ["setup"])
    assert again.exit_code == 0
    assert "already present" in again.stdout


async def test_setup_sets_the_namespaces_retention_from_settings(
    temporal_client: Client, temporal_dev, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    namespace = await new_namespace(temporal_client, "retain")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBWIRE_TEMPORAL_ADDRESS", temporal_dev.address)
    monkeypatch.setenv("JOBWIRE_TEMPORAL_NAMESPACE", namespace)
    monkeypatch.setenv("JOBWIRE_WORKFLOW_RETENTION_DAYS", "9")
    runner = CliRunner()

    async def retention_set() -> bool:
        result = await asyncio.to_thread(runner.invoke, app, ["setup"])
        assert result.exit_code == 0, result.output
        described = await temporal_client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=namespace)
        )
        kept = described.config.workflow_execution_retention_ttl.ToTimedelta()
        return kept == timedelta(days=9) and "keeps ended jobs for 9 days" in result.stdout

    await assert_eventually(retention_set, timeout=30, interval=1)
