"""Which search results a job reads: each page once (by canonical URL), only what a spec could
have named by hand, and no more than the job's room for sources."""

from __future__ import annotations

from pydantic import ValidationError

from activities.research.models import SearchHit, UrlSource
from activities.research.providers import Found
from activities.research.urls import canonical_url


def choose(found: list[Found], *, first_index: int, room: int) -> list[SearchHit]:
    """Every result in the provider's order; those read get source indices from
    ``first_index`` on, at most ``room`` of them, and the others say why they were not."""
    seen: dict[str, int] = {}
    hits: list[SearchHit] = []
    chosen = 0
    for rank, item in enumerate(found, start=1):
        hit = SearchHit(rank=rank, title=item.title[:300], url=item.url, snippet=item.snippet[:500])
        canonical = canonical_url(item.url)
        if canonical is None or not _valid_source(canonical):
            hit.skipped = "not an http(s) URL"
        elif canonical in seen:
            hit.skipped = f"the same page as result {seen[canonical]}"
        elif chosen >= room:
            seen[canonical] = rank
            hit.skipped = f"beyond the {room} results this job reads"
        else:
            seen[canonical] = rank
            hit.url = canonical
            hit.source_index = first_index + chosen
            chosen += 1
        hits.append(hit)
    return hits


def _valid_source(url: str) -> bool:
    """A found URL becomes a source only if a spec could have named it (the same checks)."""
    try:
        UrlSource(url=url)
    except ValidationError:
        return False
    return True
