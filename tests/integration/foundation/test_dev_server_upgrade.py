"""A dev server restarted on a database an older jobwire made gets the search attributes
added since: the server's own flags register attributes only on a new database, and without
them every submit with tags and every tag search failed with a 500 (against a production
namespace, that refusal is now a 503 that names ``jobwire setup``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.operatorservice.v1 import RemoveSearchAttributesRequest
from temporalio.client import Client
from temporalio.service import RPCError

from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.connections.temporal_setup import missing_search_attributes
from jobwire.problems import problem_details

pytestmark = pytest.mark.integration

ADDED_LATER = ["JobTags", "JobName"]
"""Attributes issue 22 added: a database from before it lacks them."""


async def test_a_restart_on_an_older_database_adds_the_missing_search_attributes(
    tmp_path: Path,
) -> None:
    server = TemporalDevServer.in_folder(tmp_path)
    await server.start()
    try:
        client = await Client.connect(server.address)
        await client.operator_service.remove_search_attributes(
            RemoveSearchAttributesRequest(namespace="default", search_attributes=ADDED_LATER)
        )
        assert sorted(await missing_search_attributes(client, "default")) == sorted(ADDED_LATER)
        with pytest.raises(RPCError) as refused:  # as a tag search of an upgraded API would
            await client.count_workflows("JobTags = 'nightly'")
        problem = problem_details(refused.value)
        assert problem["status"] == 503 and "jobwire setup" in problem["detail"], problem
        await server.stop()

        await server.start()
        client = await Client.connect(server.address)
        assert await missing_search_attributes(client, "default") == {}
    finally:
        await server.stop()
