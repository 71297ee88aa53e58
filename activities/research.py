"""Research: fetch sources, extract readable text, rank passages against a question with
BM25, and report the best passages with citations and what happened to each source.

Fetching is the long phase and is checkpointed per source: a resumed job fetches no source
whose result already reached Temporal. Each source keeps only its few best passages in the
checkpoint, so it stays small however long the pages are.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from pydantic import BaseModel, Field
from rank_bm25 import BM25Okapi

from activities.sources import (
    FileSource,
    InlineSource,
    Source,
    UrlSource,
    fetch_text,
    resolve_file,
    source_label,
)
from activities.text import passages, readable_text, tokens
from jobwire.contract.registry import Phase, job_types
from jobwire.contract.specs import JobInput
from jobwire.engine import PhaseContext

CANDIDATES_PER_SOURCE = 6


class ResearchInput(JobInput):
    """Answers a question from a set of sources with ranked, cited passages."""

    type: Literal["research"] = "research"
    question: str = Field(min_length=3, max_length=1000)
    sources: list[Source] = Field(min_length=1, max_length=50)
    max_passages: int = Field(default=8, ge=1, le=50)
    passage_words: int = Field(default=80, ge=20, le=400)
    concurrency: int = Field(default=4, ge=1, le=16, description="Sources fetched at once.")
    timeout_seconds: float = Field(default=20.0, gt=0, le=120, description="Per source.")
    max_source_bytes: int = Field(default=5_000_000, ge=1000, le=20_000_000)


class Citation(BaseModel):
    n: int
    source: str
    passage: int = Field(description="Index of the passage within its source.")
    score: float
    text: str


class SourceStatus(BaseModel):
    source: str
    status: Literal["fetched", "failed"]
    detail: str = ""
    passages: int = 0


class ResearchResult(BaseModel):
    question: str
    report: str
    citations: list[Citation]
    sources: list[SourceStatus]


async def _read(ctx: PhaseContext, spec: ResearchInput, index: int) -> dict[str, Any]:
    source = spec.sources[index]
    label = source_label(source)
    try:
        if isinstance(source, InlineSource):
            text = source.text
        elif isinstance(source, FileSource):
            path = resolve_file(ctx.resources.settings, source.path)
            if path.stat().st_size > spec.max_source_bytes:
                raise ValueError(f"larger than {spec.max_source_bytes} bytes")
            raw = path.read_text(errors="replace")
            text = readable_text(raw, "text/html" if path.suffix in {".html", ".htm"} else "")
        else:
            assert isinstance(source, UrlSource) and ctx.resources.http is not None
            fetched = await fetch_text(
                ctx.resources.http,
                str(source.url),
                max_bytes=spec.max_source_bytes,
                timeout=spec.timeout_seconds,
            )
            text = readable_text(fetched.text, fetched.content_type)
    except Exception as exc:
        return {"source": label, "status": "failed", "detail": _reason(exc), "candidates": []}
    chunks = passages(text, spec.passage_words)
    if not chunks:
        return {"source": label, "status": "failed", "detail": "no readable text", "candidates": []}
    return {
        "source": label,
        "status": "fetched",
        "passages": len(chunks),
        "candidates": _best_within(chunks, spec.question),
    }


def _reason(exc: Exception) -> str:
    if isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__:
        return "timed out"
    return str(exc) or type(exc).__name__


def _best_within(chunks: list[str], question: str) -> list[dict[str, Any]]:
    """A source's strongest passages by BM25 over that source alone; the final ranking runs
    over the candidates of every source together."""
    scores = BM25Okapi([tokens(c) or [""] for c in chunks]).get_scores(tokens(question))
    order = sorted(range(len(chunks)), key=lambda i: (-scores[i], i))[:CANDIDATES_PER_SOURCE]
    return [{"passage": i, "text": chunks[i]} for i in sorted(order)]


async def fetch(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, ResearchInput)
    results: dict[str, Any] = dict(ctx.state.get("results", {}))
    pending = [i for i in range(len(spec.sources)) if str(i) not in results]
    if results:
        await ctx.log(f"resuming: {len(results)} of {len(spec.sources)} sources already read")
    gate = asyncio.Semaphore(spec.concurrency)
    lock = asyncio.Lock()

    async def one(index: int) -> None:
        async with gate:
            outcome = await _read(ctx, spec, index)
        async with lock:
            results[str(index)] = outcome
            await ctx.advance(
                done=len(results),
                total=len(spec.sources),
                position=f"source {len(results)} of {len(spec.sources)}",
                state={"results": results},
                step=f"read {outcome['source']} ({outcome['status']})",
                force=True,
            )

    await asyncio.gather(*(one(i) for i in pending))
    return {"results": results}


async def rank(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, ResearchInput)
    await ctx.set_step("ranking passages")
    results = ctx.previous["fetch"]["results"]
    pool = [
        (results[str(i)]["source"], c["passage"], c["text"])
        for i in range(len(spec.sources))
        for c in results[str(i)]["candidates"]
    ]
    if not pool:
        return {"ranked": []}
    scores = BM25Okapi([tokens(text) or [""] for _, _, text in pool]).get_scores(
        tokens(spec.question)
    )
    order = sorted(range(len(pool)), key=lambda i: (-scores[i], i))[: spec.max_passages]
    ranked = [
        {
            "source": pool[i][0],
            "passage": pool[i][1],
            "text": pool[i][2],
            "score": round(float(scores[i]), 4),
        }
        for i in order
    ]
    return {"ranked": ranked}


async def report(ctx: PhaseContext) -> dict[str, Any]:
    spec = ctx.spec
    assert isinstance(spec, ResearchInput)
    await ctx.set_step("writing the report")
    citations = [
        Citation(n=n, source=r["source"], passage=r["passage"], score=r["score"], text=r["text"])
        for n, r in enumerate(ctx.previous["rank"]["ranked"], start=1)
    ]
    results = ctx.previous["fetch"]["results"]
    statuses = [
        SourceStatus(
            source=results[str(i)]["source"],
            status=results[str(i)]["status"],
            detail=results[str(i)].get("detail", ""),
            passages=results[str(i)].get("passages", 0),
        )
        for i in range(len(spec.sources))
    ]
    lines = [f"# {spec.question}", ""]
    lines += [f"- {c.text[:300]} [{c.n}]" for c in citations] or ["No passage matched."]
    fetched = sum(s.status == "fetched" for s in statuses)
    lines += ["", f"{fetched} of {len(statuses)} sources read."]
    result = ResearchResult(
        question=spec.question, report="\n".join(lines), citations=citations, sources=statuses
    )
    return result.model_dump(mode="json")


EXAMPLE = {
    "type": "research",
    "question": "How do Temporal activities resume after a worker crash?",
    "sources": [
        {
            "kind": "inline",
            "name": "heartbeats",
            "text": "An activity records heartbeat details while it runs. When a worker "
            "crashes, the activity times out and is retried; the new attempt reads the last "
            "heartbeat details and resumes from that checkpoint instead of starting over.",
        },
        {
            "kind": "inline",
            "name": "history",
            "text": "Workflow history records every completed activity, so a finished phase "
            "is never run again after a crash.\n\nQueries read workflow state without "
            "changing it.",
        },
    ],
    "max_passages": 3,
}

job_types.register(
    ResearchInput,
    [
        Phase("fetch", fetch, weight=6, description="reading sources"),
        Phase("rank", rank, weight=2, description="ranking passages"),
        Phase("report", report, weight=1, description="writing the report"),
    ],
    result_model=ResearchResult,
    examples=[EXAMPLE],
)
