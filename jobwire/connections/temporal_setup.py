"""Prepares a Temporal namespace for jobwire, idempotently: its custom search attributes and
how long it keeps ended jobs (workflow execution retention).

The dev server gets them from flags at start; a production cluster or Temporal Cloud gets them
once from `jobwire setup` (Temporal Cloud namespaces can also be configured in its console).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, UpdateNamespaceRequest
from temporalio.client import Client

from jobwire.connections.temporal_client import connect_temporal
from jobwire.contract.workflow_api import SEARCH_ATTRIBUTES
from jobwire.settings import Settings


async def missing_search_attributes(client: Client, namespace: str) -> dict[str, int]:
    response = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    return {
        key.name: int(key.indexed_value_type)
        for key in SEARCH_ATTRIBUTES
        if key.name not in response.custom_attributes
    }


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Adds whichever jobwire attributes the namespace lacks; returns the names it added."""
    missing = await missing_search_attributes(client, namespace)
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace,
                search_attributes={
                    name: IndexedValueType.ValueType(kind) for name, kind in missing.items()
                },
            )
        )
    return sorted(missing)


async def set_retention(client: Client, namespace: str, days: int) -> timedelta:
    """Sets how long the namespace keeps an ended workflow's history; returns what the
    namespace reports afterwards, so the caller says what took effect."""
    await client.workflow_service.update_namespace(
        UpdateNamespaceRequest(
            namespace=namespace,
            config=NamespaceConfig(
                workflow_execution_retention_ttl=Duration(seconds=days * 86_400)
            ),
        )
    )
    return await retention_of(client, namespace)


async def retention_of(client: Client, namespace: str) -> timedelta:
    response = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=namespace)
    )
    return response.config.workflow_execution_retention_ttl.ToTimedelta()


async def connect_when_up(settings: Settings, *, attempts: int) -> Client:
    """Retries the first connection while a freshly started cluster comes up."""
    for attempt in range(1, attempts + 1):
        try:
            return await connect_temporal(settings)
        except RuntimeError:
            if attempt == attempts:
                raise
            await asyncio.sleep(2)
    raise AssertionError("unreachable")
