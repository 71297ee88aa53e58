"""The Grafana dashboard graphs only what jobwire exports: every metric an ``expr`` names is
one the API's or the worker's registry holds."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from api.metrics import ApiMetrics
from jobwire.observability.worker_metrics import WorkerMetrics

DASHBOARD = Path(__file__).parents[3] / "deploy" / "grafana" / "jobwire.json"
SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_count", "_sum"),
    "gauge": ("",),
}
PROMQL_WORDS = {"and", "or", "unless", "bool", "offset", "on", "ignoring", "group_left"}


def exported(registry: CollectorRegistry) -> set[str]:
    """The series names a scrape of ``registry`` can show, labelled children or not."""
    return {
        family.name + suffix
        for family in registry.collect()
        for suffix in SUFFIXES.get(family.type, ("",))
    }


def metric_names(expr: str) -> set[str]:
    """The metrics a PromQL expression reads: what is left once strings, label matchers,
    ranges, grouping clauses and function calls are taken out."""
    bare = re.sub(r'"[^"]*"', "", expr)
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", bare)
    bare = re.sub(r"\b(by|without)\s*\([^)]*\)", "", bare)
    names = re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", bare)
    return set(names) - PROMQL_WORDS


def exprs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return own + [e for value in node.values() for e in exprs(value)]
    if isinstance(node, list):
        return [e for value in node for e in exprs(value)]
    return []


def test_metric_names_are_read_from_promql() -> None:
    expr = 'histogram_quantile(0.95, sum by (le, type) (rate(a_bucket{x="y z"}[5m]))) / b_total'
    assert metric_names(expr) == {"a_bucket", "b_total"}


def test_every_panel_query_names_a_metric_jobwire_exports() -> None:
    names = exported(ApiMetrics().registry) | exported(WorkerMetrics().registry)
    dashboard = json.loads(DASHBOARD.read_text())
    queries = exprs(dashboard["panels"])
    assert len(queries) >= 12
    unknown = {expr: metric_names(expr) - names for expr in queries if metric_names(expr) - names}
    assert not unknown, unknown
    assert all(metric_names(expr) for expr in queries), "a query reads no metric at all"


def test_every_timeseries_panel_has_a_query() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["targets"] and all(t["expr"] for t in panel["targets"]), panel["title"]
