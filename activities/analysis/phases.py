"""The analysis job's phases: ``scan`` folds the dataset into running aggregates chunk by
chunk; ``report`` turns them into statistics, returns and the backtest.

Idempotency: both only read. ``scan`` checkpoints its cursor and aggregates at every chunk
boundary, so a retried attempt re-reads at most the chunks after the last checkpoint that
reached Temporal, and — since the aggregates are a pure function of the chunks — produces
exactly what an uninterrupted run does.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from typing import Any

from activities.analysis.aggregates import (
    new_state,
    summarize_backtest,
    summarize_returns,
    summarize_stats,
    update,
)
from activities.analysis.datasets import chunks, describe
from activities.analysis.models import (
    AnalysisInput,
    AnalysisResult,
    GeneratedDataset,
    InlineDataset,
)
from activities.analysis.settings import AnalysisSettings
from activities.runtime import JobFailed, PhaseContext


def _spec(ctx: PhaseContext) -> AnalysisInput:
    spec = ctx.spec
    assert isinstance(spec, AnalysisInput)
    return spec


def _total_rows(spec: AnalysisInput) -> int | None:
    data = spec.dataset
    if isinstance(data, InlineDataset):
        return len(data.rows)
    if isinstance(data, GeneratedDataset):
        return data.rows
    return None


def fold(
    spec: AnalysisInput,
    state: dict[str, Any],
    values: list[float | None],
    times: list[str | None] | None = None,
) -> dict[str, Any]:
    """One chunk into the aggregates, passed through JSON as a checkpoint is, so that a run
    that never stops and one that resumes from a checkpoint compute on identical state."""
    updated = update(spec, copy.deepcopy(state), values, times)
    loaded: dict[str, Any] = json.loads(json.dumps(updated))
    return loaded


async def scan(ctx: PhaseContext) -> dict[str, Any]:
    spec = _spec(ctx)
    resumed = ctx.state
    aggregates: dict[str, Any] = resumed.get("aggregates") or new_state(spec)
    column_index: int | None = resumed.get("column_index")
    time_index: int | None = resumed.get("time_index")
    cursor = int(resumed.get("cursor", 0))
    carry: float | None = resumed.get("carry")
    total = _total_rows(spec)
    if resumed:
        await ctx.log(f"resuming the scan at row {aggregates['rows']}")

    def remember_header(index: int) -> None:
        nonlocal column_index
        column_index = index

    def remember_time_header(index: int) -> None:
        nonlocal time_index
        time_index = index

    # aclosing: a failure mid-scan (a bad value, a pause) closes the file or download now,
    # not whenever the garbage collector finalizes the generator.
    stream = chunks(
        spec,
        ctx.resources.settings,
        cursor,
        column_index,
        carry=carry,
        on_header=remember_header,
        analysis=ctx.settings(AnalysisSettings),
        rows_done=int(aggregates["rows"]),
        time_index=time_index,
        on_time_header=remember_time_header,
    )
    async with contextlib.aclosing(stream):
        async for chunk in stream:
            aggregates = await asyncio.to_thread(fold, spec, aggregates, chunk.values, chunk.times)
            rows = int(aggregates["rows"])
            await ctx.advance(
                done=rows,
                total=total,
                position=f"row {rows}" + (f" of {total}" if total else ""),
                step=f"analysed {rows} rows",
                state={
                    "aggregates": aggregates,
                    "cursor": chunk.cursor,
                    "column_index": column_index,
                    "time_index": time_index,
                    "carry": chunk.carry,
                },
            )
    if not aggregates["rows"] or aggregates["rows"] == aggregates["skipped"]:
        raise JobFailed(
            "EmptyDataset", f"the column {spec.column!r} has no numeric values to analyse"
        )
    await ctx.log(f"scanned {aggregates['rows']} rows in {aggregates['chunks']} chunks")
    return {"aggregates": aggregates}


async def report(ctx: PhaseContext) -> dict[str, Any]:
    spec = _spec(ctx)
    aggregates = ctx.previous["scan"]["aggregates"]
    rows = int(aggregates["rows"])
    result = AnalysisResult(
        dataset=describe(spec),
        column=spec.column,
        rows=rows,
        skipped_rows=int(aggregates["skipped"]),
        chunks=int(aggregates["chunks"]),
        stats=summarize_stats(spec, aggregates["stats"]) if "stats" in spec.analyses else None,
        returns=(
            summarize_returns(spec, aggregates["returns"]) if "returns" in spec.analyses else None
        ),
        backtest=(
            summarize_backtest(spec, aggregates["backtest"], rows - 1)
            if "backtest" in spec.analyses
            else None
        ),
    )
    return result.model_dump(mode="json")
