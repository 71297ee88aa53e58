"""Passages and their ranking: text split into word windows, scored against the question
with BM25 (the ``bm25s`` library)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import bm25s
import numpy as np

_PARAGRAPHS = re.compile(r"\n\s*\n|\r\n\s*\r\n")


@dataclass(frozen=True)
class Passage:
    source_index: int
    start_word: int
    end_word: int
    text: str

    @property
    def position(self) -> str:
        return f"words {self.start_word + 1}-{self.end_word}"


def split_passages(source_index: int, text: str, words_per_passage: int) -> list[Passage]:
    """Paragraphs joined up to ``words_per_passage`` words; a longer paragraph is cut into
    windows of that size. Positions count words from the start of the source's text."""
    passages: list[Passage] = []
    current: list[str] = []
    start = 0
    cursor = 0

    def flush() -> None:
        nonlocal current, start
        if current:
            passages.append(Passage(source_index, start, start + len(current), " ".join(current)))
        current = []
        start = cursor

    for paragraph in _PARAGRAPHS.split(text):
        words = paragraph.split()
        if not words:
            continue
        if current and len(current) + len(words) > words_per_passage:
            flush()
        for word in words:
            if len(current) >= words_per_passage:
                flush()
            if not current:
                start = cursor
            current.append(word)
            cursor += 1
    flush()
    return passages


def rank(question: str, passages: list[Passage], top_k: int) -> list[tuple[Passage, float]]:
    """The ``top_k`` passages that BM25 scores above zero for the question, best first."""
    if not passages:
        return []
    corpus = bm25s.tokenize(
        [passage.text for passage in passages], stopwords="en", show_progress=False
    )
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    query = bm25s.tokenize([question], stopwords="en", show_progress=False)
    if not query.ids or not query.ids[0]:
        return []
    # The question's token ids must be in the corpus vocabulary to score anything.
    vocab = corpus.vocab
    words = [word for word, _ in sorted(query.vocab.items(), key=lambda item: item[1])]
    tokens = [[words[i] for i in query.ids[0] if words[i] in vocab]]
    if not tokens[0]:
        return []
    k = min(top_k, len(passages))
    indices, scores = retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
    ranked: list[tuple[Passage, float]] = []
    for index, score in zip(np.asarray(indices)[0], np.asarray(scores)[0], strict=True):
        if float(score) > 0:
            ranked.append((passages[int(index)], round(float(score), 6)))
    return ranked
