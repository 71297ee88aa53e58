"""How many calls the API made to Temporal's frontend, read from the dev server's own metrics.

A read served from the projection asks Temporal nothing; one that falls back describes the
workflow and queries it. Counting those calls on the server's side shows which it was, with
nothing added to the code measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

READ_OPERATIONS = frozenset({"QueryWorkflow", "DescribeWorkflowExecution"})
"""The frontend calls a job read makes when it asks Temporal."""


async def temporal_reads(metrics_url: str) -> int:
    """Queries and describes the frontend has served so far (any caller, any namespace);
    the history service counts the same calls again, under its own name."""
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(metrics_url)).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        if family.name != "service_requests":
            continue
        for sample in family.samples:
            labels = sample.labels
            if (
                labels.get("service_name") == "frontend"
                and labels.get("operation") in READ_OPERATIONS
            ):
                total += sample.value
    return int(total)


@dataclass
class TemporalReads:
    """Job reads Temporal served from ``begin`` on, per second; 0 without a metrics URL."""

    metrics_url: str | None
    count: int = 0
    started: float = 0.0

    @classmethod
    async def begin(cls, metrics_url: str | None) -> TemporalReads:
        count = await temporal_reads(metrics_url) if metrics_url else 0
        return cls(metrics_url, count, time.monotonic())

    async def per_second(self) -> float:
        if self.metrics_url is None:
            return 0.0
        served = await temporal_reads(self.metrics_url) - self.count
        return served / max(time.monotonic() - self.started, 1e-9)
