"""The research job's input and result: a question, the sources to read (given, or found by a
web search), the cited answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from activities.files import check_relative
from jobwire.contract.specs import JobInput, SpecModel, SpecUrl

MAX_SOURCES = 20
"""The most sources a spec may name; the ``max_sources`` setting may lower it, never raise it."""


class UrlSource(SpecModel):
    """A web page or text file fetched over http(s)."""

    kind: Literal["url"] = "url"
    url: SpecUrl


class TextSource(SpecModel):
    """A document given inline; nothing is fetched."""

    kind: Literal["text"] = "text"
    title: str = Field(default="inline document", max_length=200)
    text: str = Field(min_length=1, max_length=200_000)


class FileSource(SpecModel):
    """A text, markdown or HTML file below the worker's configured files root."""

    kind: Literal["file"] = "file"
    path: str = Field(min_length=1, max_length=500, examples=["notes/temporal.md"])

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        return check_relative(value)


Source = Annotated[UrlSource | TextSource | FileSource, Field(discriminator="kind")]


class ResearchInput(JobInput):
    """Answers a question from web pages, inline documents and local files, or from pages a
    web search finds for it: fetches them, extracts readable text, ranks passages with BM25
    and reports the best with citations."""

    type: Literal["research"] = "research"
    question: str = Field(min_length=3, max_length=2000)
    sources: list[Source] = Field(
        default_factory=list,
        max_length=MAX_SOURCES,
        description="Pages, files and texts to read; none: the question is searched for.",
    )
    top_k: int = Field(default=5, ge=1, le=50, description="Passages cited in the report.")
    passage_words: int = Field(
        default=80, ge=20, le=1000, description="Words per passage the ranking scores."
    )
    synthesize: bool = Field(
        default=False,
        description="Have the configured LLM write an answer from the cited passages.",
    )
    min_sources: int = Field(
        default=1,
        ge=0,
        le=MAX_SOURCES,
        description="With fewer sources than this, a web search finds more (0: never search).",
    )
    search_results: int = Field(
        default=5,
        ge=1,
        le=MAX_SOURCES,
        description="Found pages read when the question is searched for.",
    )

    @model_validator(mode="after")
    def _something_to_read(self) -> ResearchInput:
        if not self.sources and self.min_sources == 0:
            raise ValueError("give sources, or let the question be searched for (min_sources ≥ 1)")
        return self

    @property
    def needs_search(self) -> bool:
        """Whether the job runs its ``search`` phase: fewer sources than the spec wants."""
        return len(self.sources) < self.min_sources


SourceStatus = Literal["fetched", "failed"]


class SourceReport(BaseModel):
    """What became of one source: fetched (with how much text) or failed and why."""

    index: int
    kind: str
    name: str
    url: str | None = None
    path: str | None = None
    status: SourceStatus
    error: str | None = None
    content_type: str | None = None
    chars: int = 0
    passages: int = 0
    truncated: bool = False
    search_rank: int | None = Field(
        default=None, description="The search result this source is; none for a given one."
    )


class Document(BaseModel):
    """A fetched source's readable text; lives in the fetch phase's checkpoint and output."""

    index: int
    title: str
    url: str | None = None
    text: str


class Citation(BaseModel):
    """One ranked passage: its text, where it came from, where in that source, its score."""

    n: int = Field(description="The [n] marker the report uses.")
    text: str
    source: str
    source_index: int
    url: str | None = None
    position: str
    start_word: int
    score: float
    search_rank: int | None = Field(
        default=None, description="The search result the passage came from, if it was found."
    )


class SearchHit(BaseModel):
    """One result of the search, in the provider's order, and whether the job read it."""

    rank: int = Field(ge=1, description="Its place in the provider's answer, from 1.")
    title: str
    url: str
    snippet: str = ""
    source_index: int | None = Field(
        default=None, description="Its index among the job's sources when it was read."
    )
    skipped: str | None = Field(default=None, description="Why it was not read, if it was not.")


class SearchReport(BaseModel):
    """What the search phase asked and found: its output and its checkpoint alike."""

    provider: str
    query: str
    results: list[SearchHit]

    @property
    def chosen(self) -> list[SearchHit]:
        return [hit for hit in self.results if hit.source_index is not None]


class ResearchResult(BaseModel):
    question: str
    report: str = Field(description="The LLM's answer when synthesized, else the extract.")
    synthesis_model: str | None = Field(
        default=None, description="The model that wrote ``report``; none for an extract."
    )
    extract: str = Field(description="The best passages in rank order, with [n] markers.")
    citations: list[Citation]
    sources: list[SourceReport]
    passages_ranked: int
    search: SearchReport | None = Field(
        default=None, description="The web search that found sources; none when all were given."
    )
