"""Research against a local web server: real fetching, extraction, ranking and citations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from jobwire.contract.states import JobState
from jobwire.devstack.ports import free_port
from tests.integration.jobtypes.conftest import RunJob
from tests.support.serving import serving

pytestmark = pytest.mark.integration

ARTICLE = """<html><head><title>Heartbeats</title></head><body>
<nav>Home | Blog | About | Login</nav>
<article><h1>How activities survive crashes</h1>
<p>Temporal activities record heartbeat details as they run. When a worker process is
killed, the activity attempt times out and the server schedules a retry on another worker.</p>
<p>The retried attempt reads the last heartbeat details and resumes from that checkpoint,
so only the work since the last heartbeat is done again.</p>
<p>Unrelated: the office coffee machine was replaced in spring.</p></article>
<footer>Copyright 2026</footer></body></html>"""


def site(hits: Counter[str]) -> Starlette:
    async def page(request: Request) -> Response:
        hits[request.url.path] += 1
        if request.url.path == "/article":
            return HTMLResponse(ARTICLE)
        if request.url.path == "/plain":
            return PlainTextResponse("Sourdough needs flour, water, salt and patience.")
        if request.url.path == "/image":
            return Response(b"\x89PNG....", media_type="image/png")
        return PlainTextResponse("gone", status_code=404)

    return Starlette(routes=[Route("/{name}", page)])


async def test_research_ranks_cited_passages_and_reports_each_source(
    run_job: RunJob, files_root: Path
) -> None:
    hits: Counter[str] = Counter()
    (files_root / "notes.txt").write_text(
        "Workflow history keeps every finished activity result, so a crash never repeats "
        "a finished phase."
    )
    async with serving(site(hits), free_port()) as base:
        record = await run_job(
            {
                "type": "research",
                "question": "How does an activity resume from its heartbeat after a worker crash?",
                "sources": [
                    {"kind": "url", "url": f"{base}/article"},
                    {"kind": "url", "url": f"{base}/plain"},
                    {"kind": "url", "url": f"{base}/missing"},
                    {"kind": "url", "url": f"{base}/image"},
                    {"kind": "file", "path": "notes.txt"},
                    {"kind": "file", "path": "../../etc/passwd"},
                    {"kind": "inline", "name": "memo", "text": "Bread rises overnight."},
                ],
                "max_passages": 3,
                "passage_words": 25,
            }
        )
    assert record.state is JobState.COMPLETED, record.error
    result = record.result
    assert result is not None
    statuses = {s["source"].rsplit("/", 1)[-1]: s for s in result["sources"]}
    assert statuses["article"]["status"] == "fetched"
    assert statuses["missing"] == statuses["missing"] | {"status": "failed", "detail": "HTTP 404"}
    assert "content type image/png" in statuses["image"]["detail"]
    assert "outside the files root" in statuses["passwd"]["detail"]
    assert statuses["notes.txt"]["status"] == "fetched"

    citations = result["citations"]
    assert [c["n"] for c in citations] == [1, 2, 3]
    heartbeat = [
        c for c in citations if c["source"].endswith("/article") and "heartbeat" in c["text"]
    ]
    assert heartbeat, citations
    off_topic = [c for c in citations if "Sourdough" in c["text"] or "Bread" in c["text"]]
    assert all(c["score"] < heartbeat[0]["score"] for c in off_topic)
    assert "Home | Blog" not in " ".join(c["text"] for c in result["citations"]), "boilerplate"
    assert "[1]" in result["report"]
    scores = [c["score"] for c in result["citations"]]
    assert scores == sorted(scores, reverse=True)
    assert hits == Counter({"/article": 1, "/plain": 1, "/missing": 1, "/image": 1})


async def test_a_question_too_short_or_no_sources_is_refused_at_submit(run_job: RunJob) -> None:
    from jobwire.errors import InvalidSpec

    with pytest.raises(InvalidSpec) as refused:
        await run_job({"type": "research", "question": "x", "sources": []})
    fields = {error["field"] for error in refused.value.errors}
    assert fields == {"question", "sources"}
