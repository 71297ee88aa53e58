"""The research job's input and result: a question, the sources to read, the cited answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

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
    """Answers a question from web pages, inline documents and local files: fetches them,
    extracts readable text, ranks passages with BM25 and reports the best with citations."""

    type: Literal["research"] = "research"
    question: str = Field(min_length=3, max_length=2000)
    sources: list[Source] = Field(min_length=1, max_length=MAX_SOURCES)
    top_k: int = Field(default=5, ge=1, le=50, description="Passages cited in the report.")
    passage_words: int = Field(
        default=80, ge=20, le=1000, description="Words per passage the ranking scores."
    )
    synthesize: bool = Field(
        default=False,
        description="Have the configured LLM write an answer from the cited passages.",
    )


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
