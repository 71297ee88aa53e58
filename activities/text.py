"""Turning documents into rankable passages: readable text out of HTML, words, passages."""

from __future__ import annotations

import re

import trafilatura

WORD = re.compile(r"[\w']+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "how",
        "does",
        "do",
        "did",
        "this",
        "these",
        "those",
        "than",
        "then",
    ]
)


def readable_text(raw: str, content_type: str) -> str:
    """The article text of an HTML page (navigation and boilerplate dropped), else the text."""
    if "html" not in content_type:
        return raw
    extracted = trafilatura.extract(raw, include_comments=False, include_tables=False)
    return extracted or ""


def tokens(text: str) -> list[str]:
    return [w for w in (m.lower() for m in WORD.findall(text)) if w not in STOPWORDS]


def passages(text: str, words_per_passage: int) -> list[str]:
    """Consecutive windows of about ``words_per_passage`` words, split at paragraph breaks
    when one falls close, so a citation quotes whole thoughts where it can."""
    found: list[str] = []
    current: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        for word in paragraph.split():
            current.append(word)
            if len(current) >= words_per_passage:
                found.append(" ".join(current))
                current = []
        if len(current) >= words_per_passage // 2:
            found.append(" ".join(current))
            current = []
    if current:
        found.append(" ".join(current))
    return found
