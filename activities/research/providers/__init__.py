"""Web search providers behind one small interface; the ``search_provider`` setting picks one.

Each provider's endpoint is the operator's choice (a SearxNG instance is usually on their own
network), so it is reached without the public-address guard that every found page then
passes through. Keys travel in headers, never in a URL, a log line or an error.
"""

from __future__ import annotations

from activities.research.providers.base import Found, SearchFailed, SearchProvider
from activities.research.providers.brave import BraveSearch
from activities.research.providers.searxng import SearxngSearch
from activities.research.settings import ResearchSettings

__all__ = ["Found", "SearchFailed", "SearchProvider", "provider_for"]


def provider_for(settings: ResearchSettings) -> SearchProvider | None:
    """The configured provider, or ``None`` when the server has none."""
    if settings.search_provider == "searxng":
        return SearxngSearch(settings)
    if settings.search_provider == "brave":
        return BraveSearch(settings)
    return None
