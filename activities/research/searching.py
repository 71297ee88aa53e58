"""The research job's ``search`` phase: a question becomes the pages the job reads.

Idempotency: the provider's answer, once in, is the phase's checkpoint before anything else
happens, and the phase's output (the same list) lands in history; so a crash, a retry or a
pause after the answer never asks the provider again. An attempt that dies while the
provider is still answering asks again: nothing was recorded.
"""

from __future__ import annotations

import asyncio
from typing import Any

from activities.research.choosing import choose
from activities.research.models import ResearchInput, SearchReport
from activities.research.providers import Found, SearchFailed, SearchProvider, provider_for
from activities.research.settings import HOW_TO_SEARCH, ResearchSettings
from activities.runtime import JobFailed, PhaseContext


async def search(ctx: PhaseContext) -> dict[str, Any]:
    """Asks the configured provider once (retrying a failed attempt a bounded number of
    times) and keeps the results in the provider's order, marked read or skipped."""
    spec = ctx.spec
    assert isinstance(spec, ResearchInput)
    saved = ctx.state.get("search")
    if saved is not None:
        await ctx.log("the search was done before this attempt; its results are kept")
        report = SearchReport.model_validate(saved)
    else:
        report = await _search_once(ctx, spec)
    if not report.chosen and not spec.sources:
        raise JobFailed(
            "NoSearchResults",
            f"the {report.provider} search found no readable page for the question",
        )
    return report.model_dump(mode="json")


async def _search_once(ctx: PhaseContext, spec: ResearchInput) -> SearchReport:
    limits = ctx.settings(ResearchSettings)
    provider = provider_for(limits)
    if provider is None:
        raise JobFailed(
            "SearchNotConfigured",
            f"this research job needs a web search and the worker has none: {HOW_TO_SEARCH}",
        )
    room = min(spec.search_results, limits.max_sources - len(spec.sources))
    if room <= 0:
        # This worker allows fewer sources than the API planned with: the given ones fill it.
        await ctx.log(f"the spec's sources fill this worker's {limits.max_sources}; no search")
        return SearchReport(provider=provider.name, query=spec.question, results=[])
    await ctx.set_step(f"searching {provider.name} for the question")
    found = await _with_retries(ctx, provider, spec.question, room, limits)
    hits = choose(found, first_index=len(spec.sources), room=room)
    report = SearchReport(provider=provider.name, query=spec.question, results=hits)
    chosen = len(report.chosen)
    position = f"found {len(hits)} results, reading {chosen}"
    listed = report.model_dump(mode="json")
    # The list rides in the log line, so a client shows what was found before the result.
    await ctx.log(position, results=len(hits), chosen=chosen, search=listed)
    await ctx.advance(
        done=1,
        total=1,
        position=position,
        state={"search": listed},
        force=True,
    )
    return report


async def _with_retries(
    ctx: PhaseContext,
    provider: SearchProvider,
    query: str,
    count: int,
    limits: ResearchSettings,
) -> list[Found]:
    """The provider's results; after ``search_attempts`` failed tries, a final ``JobFailed``
    with the last reason: a provider that is down or answers garbage ends the job clearly
    instead of looping through Temporal's retries."""
    # Ask for a few more than the job reads: duplicates and unusable URLs are dropped after.
    wanted = min(count * 2, 50)
    for attempt in range(1, limits.search_attempts + 1):
        try:
            return list(await provider.search(query, wanted))
        except SearchFailed as exc:
            reason = str(exc)
        await ctx.log(
            f"search attempt {attempt} of {limits.search_attempts} failed: {reason}",
            level="warning",
        )
        if attempt < limits.search_attempts:
            await asyncio.sleep(limits.search_retry_seconds * 2 ** (attempt - 1))
    raise JobFailed(
        "SearchFailed",
        f"the {provider.name} search failed {limits.search_attempts} times; last: {reason}",
    )
