"""Research jobs against a loopback web server: per-source status for every way a fetch can
fail, and a resumed fetch that asks for no source twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from jobwire.contract.events import EventType
from jobwire.contract.states import JobAction, JobState
from jobwire.settings import Settings
from tests.helpers import assert_eventually
from tests.integration.jobtypes.conftest import Jobs, Site, page
from tests.unit.jobtypes.harness import Harness, Stop, unit_settings

pytestmark = pytest.mark.integration

QUESTION = "how does a crashed worker resume its activity from a checkpoint"


@pytest.fixture
def job_settings(settings: Settings, files_root: Path) -> Settings:
    return settings.model_copy(
        update={
            "files_root": files_root,
            "job_types": {
                "research": {
                    "fetch_timeout_seconds": 1.0,
                    "max_source_bytes": 4096,
                    "concurrency": 2,
                }
            },
        }
    )


def publish_pages(site: Site, count: int) -> list[str]:
    for i in range(count):
        site.pages[f"/doc{i}"] = (
            "text/html",
            page(
                f"Document {i}",
                f"Paragraph one of document {i} is about gardening.",
                f"Document {i}: a crashed worker resumes its activity from the last checkpoint"
                if i == count - 1
                else f"Document {i} talks about cooking pasta.",
            ),
        )
    return [site.url(f"/doc{i}") for i in range(count)]


async def test_a_research_job_reports_every_source_and_cites_the_best(
    jobs: Jobs, site: Site, files_root: Path
) -> None:
    site.pages["/article"] = (
        "text/html",
        page(
            "Checkpoints",
            "When a worker crashes, the activity is retried on another worker.",
            "The retried activity reads its checkpoint and resumes from it.",
        ),
    )
    site.pages["/notes.txt"] = ("text/plain", "Plain notes: checkpoints are small.")
    site.pages["/image.png"] = ("image/png", "\x89PNG")
    site.pages["/big"] = ("text/plain", "resume " * 5000)
    (files_root / "local.md").write_text("# Local\n\nA local note about a checkpoint resume.")
    spec = {
        "type": "research",
        "question": QUESTION,
        "top_k": 3,
        "sources": [
            {"kind": "url", "url": site.url("/article")},
            {"kind": "url", "url": site.url("/redirect/notes.txt")},
            {"kind": "url", "url": site.url("/missing")},
            {"kind": "url", "url": site.url("/image.png")},
            {"kind": "url", "url": site.url("/slow")},
            {"kind": "url", "url": site.url("/big")},
            {"kind": "file", "path": "local.md"},
            {"kind": "text", "title": "memo", "text": "Unrelated words about the weather."},
            {"kind": "url", "url": site.url("/redirect" * 6 + "/gone")},
        ],
    }
    record, _ = await jobs.jobs.submit("rita", spec)
    done = await jobs.finished("rita", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    assert done.phases == ["fetch", "rank", "report"]
    result = done.result
    assert result is not None
    status = {s["index"]: (s["status"], s.get("error") or "") for s in result["sources"]}
    assert status[0] == ("fetched", "")
    assert status[1] == ("fetched", ""), "the redirect is followed"
    assert status[2][0] == "failed" and "HTTP 404" in status[2][1]
    assert status[3][0] == "failed" and "unsupported content type 'image/png'" in status[3][1]
    assert status[4][0] == "failed" and "timed out" in status[4][1]
    assert status[5][0] == "fetched"
    assert result["sources"][5]["truncated"] is True
    assert result["sources"][5]["chars"] <= 4096
    assert status[6] == ("fetched", "") and status[7] == ("fetched", "")
    assert status[8][0] == "failed" and "more than 5 redirects" in status[8][1]
    assert result["sources"][0]["name"] == "Checkpoints"
    assert site.hits["/notes.txt"] == 1 and site.hits["/redirect/notes.txt"] == 1

    citations = result["citations"]
    assert 1 <= len(citations) <= 3
    assert citations[0]["source_index"] in {0, 6}
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    scores = [c["score"] for c in citations]
    assert scores == sorted(scores, reverse=True)
    assert "[1]" in result["report"]


async def test_a_resumed_fetch_requests_only_the_sources_its_checkpoint_lacks(
    site: Site,
) -> None:
    urls = publish_pages(site, 8)
    site.delay = 0.05
    spec = {
        "type": "research",
        "question": QUESTION,
        "sources": [{"kind": "url", "url": u} for u in urls],
    }
    harness = Harness(unit_settings(job_types={"research": {"concurrency": 2}}))
    harness.stop_after = 3
    with pytest.raises(Stop):
        await harness.run(spec, "fetch")
    checkpoint = harness.heartbeats[-1]
    done_paths = {f"/doc{int(i)}" for i in checkpoint.state["reports"]}
    assert len(done_paths) == 3
    before = dict(site.hits)

    harness.stop_after = None
    output = await harness.run(spec, "fetch", resumed=checkpoint)

    after = {path: site.hits[path] - before.get(path, 0) for path in site.hits}
    assert {path for path, n in after.items() if n} == {f"/doc{i}" for i in range(8)} - done_paths
    assert all(n <= 1 for n in after.values())
    assert len(output["texts"]) == 8


async def test_pause_and_resume_mid_fetch_fetches_what_was_missing(jobs: Jobs, site: Site) -> None:
    urls = publish_pages(site, 6)
    site.delay = 0.4
    spec = {
        "type": "research",
        "question": QUESTION,
        "sources": [{"kind": "url", "url": u} for u in urls],
    }
    record, _ = await jobs.jobs.submit("paula", spec)

    async def some_fetched() -> bool:
        return sum(site.hits.values()) >= 3

    await assert_eventually(some_fetched, timeout=30)
    await jobs.jobs.control("paula", record.job_id, JobAction.PAUSE)
    paused = await jobs.in_state("paula", record.job_id, JobState.PAUSED)
    assert paused.checkpoint is not None and paused.checkpoint.phase == "fetch"
    await jobs.jobs.control("paula", record.job_id, JobAction.RESUME)
    done = await jobs.finished("paula", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    assert done.result is not None
    assert [s["status"] for s in done.result["sources"]] == ["fetched"] * 6
    assert done.result["citations"][0]["source_index"] == 5
    # Only the fetches in flight at the pause (at most the concurrency, 2) are made again.
    assert sum(site.hits.values()) <= 6 + 2
    assert all(site.hits[f"/doc{i}"] >= 1 for i in range(6))


def synthesis_spec(site: Site) -> dict[str, object]:
    urls = publish_pages(site, 3)
    return {
        "type": "research",
        "question": QUESTION,
        "synthesize": True,
        "sources": [{"kind": "url", "url": u} for u in urls],
    }


@pytest.fixture
def llm_settings(job_settings: Settings, site: Site) -> Settings:
    research = job_settings.job_types["research"] | {
        "llm_base_url": site.url("/v1"),
        "llm_api_key": SecretStr("stand-in-key"),
        "llm_model": "stand-in",
    }
    return job_settings.model_copy(update={"job_types": {"research": research}})


async def test_synthesis_streams_the_llms_answer_as_chunks(
    llm_settings: Settings, site: Site
) -> None:
    site.llm_words = ["A crashed ", "worker resumes ", "from its checkpoint [1]."]
    harness = Harness(llm_settings)
    result = await harness.run_all(synthesis_spec(site))

    assert result["report"] == "A crashed worker resumes from its checkpoint [1]."
    assert result["synthesis_model"] == "stand-in"
    assert "[1]" in result["extract"] and "[1]" not in result["extract"].split("\n")[0]
    chunks = [e.data["text"] for e in harness.events.events if e.type is EventType.CHUNK]
    assert chunks == site.llm_words
    authorization, body = site.llm_requests[0]
    assert authorization == "Bearer stand-in-key"
    assert body["model"] == "stand-in" and body["stream"] is True
    assert '<passage n="1" source="Document 2">' in body["messages"][1]["content"]


async def test_a_failing_llm_leaves_the_extractive_report(
    llm_settings: Settings, site: Site
) -> None:
    site.llm_status = 503
    harness = Harness(llm_settings)
    result = await harness.run_all(synthesis_spec(site))

    assert result["synthesis_model"] is None and result["report"] == result["extract"]
    logs = [e.data["message"] for e in harness.events.events if e.type is EventType.LOG]
    assert any("synthesis failed" in line and "503" in line for line in logs)
    assert "stand-in-key" not in " ".join(logs)


async def test_synthesis_without_an_llm_configured_says_so(site: Site) -> None:
    harness = Harness(unit_settings())
    result = await harness.run_all(synthesis_spec(site))

    assert result["synthesis_model"] is None and result["report"] == result["extract"]
    logs = [e.data["message"] for e in harness.events.events if e.type is EventType.LOG]
    assert any("no LLM is configured" in line for line in logs)


async def test_by_default_a_source_on_the_workers_own_network_is_refused(site: Site) -> None:
    site.pages["/notes.txt"] = ("text/plain", "internal notes")
    spec = {
        "type": "research",
        "question": QUESTION,
        "sources": [
            {"kind": "url", "url": site.url("/notes.txt")},
            {"kind": "text", "title": "memo", "text": "A checkpoint lets a worker resume."},
        ],
    }
    result = await Harness(unit_settings(allow_private_sources=False)).run_all(spec)
    first = result["sources"][0]
    assert first["status"] == "failed" and "not a public address" in first["error"], first
    assert site.hits["/notes.txt"] == 0, "nothing was asked of the private address"
    assert result["sources"][1]["status"] == "fetched"
