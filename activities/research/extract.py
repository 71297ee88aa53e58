"""Readable text from what a source returned: HTML through trafilatura, plain text as is."""

from __future__ import annotations

import re

import trafilatura

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown", "text/csv"})
READABLE_TYPES = HTML_TYPES | TEXT_TYPES

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def readable_text(body: str, content_type: str) -> str:
    """The main text of a page without navigation and boilerplate; the whole text when the
    extractor finds no main content (short pages), so a source is never silently empty."""
    if content_type not in HTML_TYPES:
        return body.strip()
    text = trafilatura.extract(body, include_comments=False, include_tables=True, favor_recall=True)
    if not text:
        text = trafilatura.html2txt(body)
    return text.strip()


def html_title(body: str) -> str | None:
    match = _TITLE.search(body[:20_000])
    if match is None:
        return None
    title = " ".join(match.group(1).split())
    return title[:200] or None


SUFFIX_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".csv": "text/csv",
}


def content_type_of(header: str | None, name: str = "") -> str:
    """The media type of a response, or else of a file by its suffix (unknown suffixes are
    ``application/octet-stream`` and so refused)."""
    if header:
        return header.split(";", 1)[0].strip().lower()
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    return SUFFIX_TYPES.get(suffix, "application/octet-stream")
