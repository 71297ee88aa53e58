"""One name per page: search results that differ only in spelling are read once.

Providers return the same page as ``HTTP://Example.com:80/a/`` and ``http://example.com/a/#top``;
``url-normalize`` folds case, default ports, dot segments and percent-encoding, and the
fragment (a place on the page, never a different page) is dropped here.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

from url_normalize import url_normalize

WEB_SCHEMES = frozenset({"http", "https"})


def canonical_url(url: str) -> str | None:
    """The page's canonical URL, or ``None`` for what is not an http(s) URL with a host."""
    try:
        normalized = url_normalize(url.strip())
    except (ValueError, UnicodeError):
        return None
    if not normalized:
        return None
    page, _fragment = urldefrag(normalized)
    parts = urlsplit(page)
    if parts.scheme not in WEB_SCHEMES or not parts.hostname:
        return None
    return page
