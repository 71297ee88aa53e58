"""A job's percent: one function for the workflow, the phases' events and every reader.

Phases split 0-100 % by their weights (a trade is 1/8/1, so its execute phase covers 10-90 %),
and a phase's ``done/total`` moves the job through its slice. Computing it in one place is what
keeps ``GET /api/jobs/{id}``, the live feed and the workflow's query on the same number: a
reader that split phases equally once said 37 % where the feed said 18 %.
"""

from __future__ import annotations

from collections.abc import Sequence


def weights_for(phases: Sequence[str], weights: Sequence[float]) -> list[float]:
    """The weights to split by: the record's own, or equal ones for a record from before
    weights were carried (or whose weights do not match its phases)."""
    if len(weights) == len(phases) and all(weight > 0 for weight in weights):
        return list(weights)
    return [1.0] * len(phases)


def phase_range(weights: Sequence[float], index: int) -> tuple[float, float]:
    """The slice of 0-100 % that phase ``index`` covers."""
    total = sum(weights)
    start = 100.0 * sum(weights[:index]) / total
    return start, start + 100.0 * weights[index] / total


def within(span: tuple[float, float], done: int, total: int | None) -> float:
    """Where ``done`` of ``total`` units puts the job inside a phase's slice; the slice's start
    while the total is unknown, its end once every unit is done."""
    start, end = span
    if not total:
        return start
    return start + (end - start) * min(done, total) / total


def job_percent(weights: Sequence[float], index: int, done: int, total: int | None) -> float:
    """The job's percent while phase ``index`` has ``done`` of ``total`` units finished."""
    return min(100.0, within(phase_range(weights, index), done, total))
