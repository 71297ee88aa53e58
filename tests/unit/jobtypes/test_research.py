"""Research without a network: inline and local sources, splitting, ranking, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

import activities  # noqa: F401
from activities.research.extract import readable_text
from activities.research.models import MAX_SOURCES, ResearchInput
from activities.research.ranking import rank, split_passages
from activities.research.settings import ResearchSettings
from jobwire.contract.registry import job_types
from jobwire.errors import InvalidSpec, JobFailed
from tests.unit.jobtypes.harness import Harness, unit_settings

PAGE = """<html><head><title>Durable jobs</title></head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article><h1>Durable jobs</h1>
<p>A checkpoint records how far a long activity got, so a retry resumes from it.</p>
<p>Heartbeats carry the checkpoint to the server, which keeps it for the next attempt.</p>
</article><footer>Copyright nobody</footer></body></html>"""


def test_html_becomes_its_readable_text() -> None:
    text = readable_text(PAGE, "text/html")
    assert "a retry resumes from it" in text
    assert "<p>" not in text


def test_passages_keep_their_word_positions() -> None:
    text = "alpha beta gamma\n\n" + " ".join(f"w{i}" for i in range(25)) + "\n\nomega"
    passages = split_passages(2, text, 10)
    assert [p.position for p in passages] == [
        "words 1-3",
        "words 4-13",
        "words 14-23",
        "words 24-29",
    ]
    assert passages[-1].text == "w20 w21 w22 w23 w24 omega" and passages[0].source_index == 2


def test_bm25_ranks_the_passage_that_shares_the_questions_terms() -> None:
    passages = split_passages(0, "cats purr softly\n\ndogs bark loudly\n\nbirds sing early", 5)
    ranked = rank("why do dogs bark", passages, 2)
    assert ranked[0][0].text == "dogs bark loudly"
    assert all(score > 0 for _, score in ranked)
    assert rank("the of and", passages, 2) == []


async def test_inline_and_file_sources_make_a_cited_report(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "page.html").write_text(PAGE)
    (tmp_path / "notes" / "plain.md").write_text("Unrelated text about gardening and roses.")
    spec = {
        "type": "research",
        "question": "how does a retry resume from a checkpoint",
        "sources": [
            {"kind": "file", "path": "notes/page.html"},
            {"kind": "file", "path": "notes/plain.md"},
            {"kind": "text", "title": "memo", "text": "Checkpoints are small cursors."},
        ],
        "top_k": 2,
    }
    result = await Harness(unit_settings(files_root=tmp_path)).run_all(spec)
    statuses = [(s["name"], s["status"]) for s in result["sources"]]
    assert statuses == [
        ("Durable jobs", "fetched"),
        ("notes/plain.md", "fetched"),
        ("memo", "fetched"),
    ]
    top = result["citations"][0]
    assert top["source"] == "Durable jobs" and "retry resumes" in top["text"]
    assert top["position"].startswith("words ") and top["n"] == 1
    assert "[1]" in result["report"]


async def test_a_file_outside_the_root_fails_the_job_as_invalid(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    spec = {
        "type": "research",
        "question": "what",
        "sources": [{"kind": "file", "path": "escape.txt"}],
    }
    with pytest.raises(InvalidSpec, match="outside the files root"):
        await Harness(unit_settings(files_root=root)).run(spec, "fetch")


def test_relative_escapes_are_refused_when_the_spec_is_validated() -> None:
    with pytest.raises(InvalidSpec, match="sources"):
        job_types.parse_spec(
            {"type": "research", "question": "what", "sources": [{"kind": "file", "path": "../x"}]}
        )


async def test_more_sources_than_the_server_allows_are_refused() -> None:
    spec = {
        "type": "research",
        "question": "what",
        "sources": [{"kind": "text", "text": f"doc {i}"} for i in range(3)],
    }
    with pytest.raises(InvalidSpec, match="at most 2"):
        await Harness(unit_settings(job_types={"research": {"max_sources": 2}})).run(spec, "fetch")


async def test_a_job_with_no_readable_source_fails(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"\x00\x01")
    spec = {
        "type": "research",
        "question": "what",
        "sources": [{"kind": "file", "path": "data.bin"}],
    }
    with pytest.raises(JobFailed, match="none of the sources") as caught:
        await Harness(unit_settings(files_root=tmp_path)).run(spec, "fetch")
    assert caught.value.error_type == "NoReadableSources"


def test_the_max_sources_setting_can_lower_the_specs_bound_but_never_raise_it() -> None:
    schema = ResearchInput.model_json_schema()
    assert schema["properties"]["sources"]["maxItems"] == MAX_SOURCES
    assert ResearchSettings().max_sources == MAX_SOURCES
    assert ResearchSettings(max_sources=5).max_sources == 5
    with pytest.raises(ValueError, match="less than or equal to 20"):
        ResearchSettings(max_sources=MAX_SOURCES + 1)
