"""The research job's phases: search for sources (only a spec without enough of them; see
``searching``), fetch the sources, rank passages, write the report.

Idempotency: ``fetch`` checkpoints after every source (its text, compressed, rides in the
checkpoint), so a retried or resumed attempt fetches only the sources no checkpoint holds;
a source in flight when the worker died is the only one fetched again. ``rank`` is a
pure function of the fetched texts; ``report`` is too, except for the optional LLM answer,
which a retry asks for (and streams) again.
"""

from __future__ import annotations

import asyncio
import base64
import zlib
from typing import Any

from activities.research import ranking
from activities.research.fetch import Fetched, SourceFailed, fetch_source, http_client, source_name
from activities.research.models import (
    Citation,
    Document,
    FileSource,
    ResearchInput,
    ResearchResult,
    SearchReport,
    Source,
    SourceReport,
    UrlSource,
)
from activities.research.ranking import Passage, split_passages
from activities.research.searching import search
from activities.research.settings import ResearchSettings
from activities.research.synthesis import synthesize
from activities.runtime import JobFailed, PhaseContext
from jobwire.errors import InvalidSpec


def _spec(ctx: PhaseContext) -> ResearchInput:
    spec = ctx.spec
    assert isinstance(spec, ResearchInput)
    limit = ctx.settings(ResearchSettings).max_sources
    if len(spec.sources) > limit:
        raise InvalidSpec(
            f"{len(spec.sources)} sources; this server allows at most {limit}",
            field="sources",
        )
    return spec


def pack(text: str) -> str:
    """Text as it travels in checkpoints and phase outputs: zlib, then base64."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def unpack(packed: str) -> str:
    return zlib.decompress(base64.b64decode(packed)).decode("utf-8")


__all__ = ["fetch", "rank", "report", "search"]


def _found(ctx: PhaseContext) -> SearchReport | None:
    """The search phase's results, in a job that ran one."""
    found = ctx.previous.get("search")
    return None if found is None else SearchReport.model_validate(found)


def _sources(spec: ResearchInput, found: SearchReport | None) -> list[Source]:
    """The spec's own sources, then the search results the job reads, in rank order: a
    found page is fetched as a URL the spec named would be, through the same guard and
    budgets."""
    chosen = [] if found is None else found.chosen
    return [*spec.sources, *(UrlSource(url=hit.url) for hit in chosen)]


def _report_for(source: Source, index: int, found: SearchReport | None) -> SourceReport:
    ranks = {} if found is None else {hit.source_index: hit.rank for hit in found.chosen}
    return SourceReport(
        index=index,
        kind=source.kind,
        name=source_name(source),
        url=str(source.url) if isinstance(source, UrlSource) else None,
        path=source.path if isinstance(source, FileSource) else None,
        status="failed",
        search_rank=ranks.get(index),
    )


async def fetch(ctx: PhaseContext) -> dict[str, Any]:
    """Reads every source, ``concurrency`` at a time, checkpointing after each."""
    spec = _spec(ctx)
    settings = ctx.resources.settings
    limits = ctx.settings(ResearchSettings)
    found = _found(ctx)
    sources = _sources(spec, found)
    total = len(sources)
    reports: dict[str, dict[str, Any]] = dict(ctx.state.get("reports", {}))
    texts: dict[str, str] = dict(ctx.state.get("texts", {}))
    pending = [index for index in range(total) if str(index) not in reports]
    if len(pending) < total:
        await ctx.log(f"{total - len(pending)} of {total} sources already fetched; not again")
    gate = asyncio.Semaphore(limits.concurrency)

    async with http_client(settings, limits) as http:

        async def one(index: int) -> tuple[int, Fetched | SourceFailed]:
            async with gate:
                try:
                    return index, await fetch_source(sources[index], index, http, settings, limits)
                except SourceFailed as exc:
                    return index, exc

        tasks = [asyncio.create_task(one(index)) for index in pending]
        try:
            for finished in asyncio.as_completed(tasks):
                index, outcome = await finished
                report = _report_for(sources[index], index, found)
                if isinstance(outcome, SourceFailed):
                    report.error = str(outcome)
                    await ctx.log(f"source {index + 1} failed: {outcome}", level="warning")
                else:
                    report.status = "fetched"
                    report.name = outcome.title
                    report.content_type = outcome.content_type
                    report.chars = len(outcome.text)
                    report.truncated = outcome.truncated
                    texts[str(index)] = pack(outcome.text)
                reports[str(index)] = report.model_dump(mode="json")
                await ctx.advance(
                    done=len(reports),
                    total=total,
                    position=f"source {len(reports)} of {total}",
                    step=f"fetched {len(reports)} of {total} sources",
                    state={"reports": reports, "texts": texts},
                    force=True,
                )
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    if not texts:
        raise JobFailed("NoReadableSources", "none of the sources gave readable text")
    return {"reports": reports, "texts": texts}


async def rank(ctx: PhaseContext) -> dict[str, Any]:
    """Splits every fetched text into passages and keeps the ``top_k`` BM25 ranks."""
    spec = _spec(ctx)
    fetched = ctx.previous["fetch"]
    reports = {int(k): SourceReport.model_validate(v) for k, v in fetched["reports"].items()}
    documents = [
        Document(
            index=int(index),
            title=reports[int(index)].name,
            url=reports[int(index)].url,
            text=unpack(packed),
        )
        for index, packed in sorted(fetched["texts"].items(), key=lambda item: int(item[0]))
    ]
    await ctx.set_step(f"ranking passages of {len(documents)} sources")
    # Splitting and ranking are CPU work on up to max_sources texts: off the event loop.
    split = await asyncio.to_thread(_split_all, documents, spec.passage_words)
    passages = [passage for document in documents for passage in split[document.index]]
    for document in documents:
        reports[document.index].passages = len(split[document.index])
    ranked = await asyncio.to_thread(ranking.rank, spec.question, passages, spec.top_k)
    citations = [
        Citation(
            n=n,
            text=passage.text,
            source=reports[passage.source_index].name,
            source_index=passage.source_index,
            url=reports[passage.source_index].url,
            position=passage.position,
            start_word=passage.start_word,
            score=score,
            search_rank=reports[passage.source_index].search_rank,
        )
        for n, (passage, score) in enumerate(ranked, start=1)
    ]
    await ctx.advance(done=1, total=1, position="ranked", state={}, force=True)
    return {
        "citations": [c.model_dump(mode="json") for c in citations],
        "sources": [reports[i].model_dump(mode="json") for i in sorted(reports)],
        "passages_ranked": len(passages),
    }


def _split_all(documents: list[Document], words: int) -> dict[int, list[Passage]]:
    return {
        document.index: split_passages(document.index, document.text, words)
        for document in documents
    }


def _snippet(text: str, words: int = 40) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _cited(citation: Citation) -> str:
    """Where a passage came from; for a found page, which search result it was."""
    if citation.search_rank is None:
        return citation.source
    return f"{citation.source} (search result {citation.search_rank})"


async def report(ctx: PhaseContext) -> dict[str, Any]:
    """An extractive report (the best passages in rank order, each with its [n] marker) and,
    when asked for and configured, an LLM's answer from those passages, streamed live."""
    spec = _spec(ctx)
    ranked = ctx.previous["rank"]
    citations = [Citation.model_validate(c) for c in ranked["citations"]]
    sources = [SourceReport.model_validate(s) for s in ranked["sources"]]
    fetched = sum(1 for s in sources if s.status == "fetched")
    if citations:
        lines = [
            f"The {len(citations)} passages that best answer the question, from"
            f" {len({c.source_index for c in citations})} of {fetched} readable sources:",
            "",
            *(f"[{c.n}] {_snippet(c.text)} — {_cited(c)}" for c in citations),
        ]
    else:
        lines = [f"No passage of the {fetched} readable sources matches the question's terms."]
    extract = "\n".join(lines)
    answer = await synthesize(ctx, spec.question, citations) if spec.synthesize else None
    result = ResearchResult(
        question=spec.question,
        report=answer or extract,
        synthesis_model=ctx.settings(ResearchSettings).llm_model if answer else None,
        extract=extract,
        citations=citations,
        sources=sources,
        passages_ranked=ranked["passages_ranked"],
        search=_found(ctx),
    )
    await ctx.log(f"report cites {len(citations)} passages")
    return result.model_dump(mode="json")
