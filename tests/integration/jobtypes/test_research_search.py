"""Research from a question alone against a stand-in search provider and loopback pages:
nothing leaves the machine. Sources are found, fetched, ranked and cited; the search runs
once; a provider that hangs or answers garbage fails the job clearly after bounded tries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from pydantic import SecretStr

from activities.research.providers import SearchFailed
from activities.research.providers.brave import BraveSearch
from activities.research.providers.searxng import SearxngSearch
from activities.research.settings import ResearchSettings
from jobwire.contract.events import EventType
from jobwire.contract.states import JobAction, JobState
from jobwire.errors import JobFailed
from jobwire.settings import Settings
from tests.helpers import assert_eventually, refused_port
from tests.integration.jobtypes.conftest import Jobs, Site, page
from tests.support.search_standin import SearchStandIn, search_standin
from tests.unit.jobtypes.harness import Harness, Stop, unit_settings

pytestmark = pytest.mark.integration

QUESTION = "how does a durable workflow recover after its worker crashes"
FAST_RETRIES = {"search_attempts": 2, "search_retry_seconds": 0.05}


@pytest_asyncio.fixture
async def search() -> AsyncIterator[SearchStandIn]:
    async with search_standin() as standin:
        yield standin


def searxng(search: SearchStandIn, **more: Any) -> dict[str, Any]:
    return {"search_provider": "searxng", "searxng_url": search.searxng_url, **more}


@pytest.fixture
def job_settings(settings: Settings, search: SearchStandIn) -> Settings:
    research = searxng(search, searxng_timeout_seconds=3.0, concurrency=1) | FAST_RETRIES
    return settings.model_copy(update={"job_types": {"research": research}})


def publish(site: Site, search: SearchStandIn, count: int = 4) -> None:
    """``count`` pages, the last one the answer, each found by the search (the first twice,
    spelled differently) plus a result that is not a web page."""
    for i in range(count):
        about = (
            "A durable workflow recovers after its worker crashes by replaying its history."
            if i == count - 1
            else f"Page {i} is about baking bread."
        )
        site.pages[f"/page{i}"] = ("text/html", page(f"Page {i}", about))
        search.add(site.url(f"/page{i}"), f"Result {i}", f"snippet {i}")
    search.add(site.url("/page0#top").replace("http://", "HTTP://"), "Again")
    search.add("ftp://files.example/archive", "Not the web")


QUESTION_ONLY = {"type": "research", "question": QUESTION, "top_k": 2}


async def test_a_question_alone_finds_fetches_ranks_and_cites_its_sources(
    jobs: Jobs, site: Site, search: SearchStandIn
) -> None:
    publish(site, search)
    record, _ = await jobs.jobs.submit("quinn", QUESTION_ONLY)
    assert record.phases == ["search", "fetch", "rank", "report"]
    done = await jobs.finished("quinn", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    assert search.calls == 1
    params, _headers = search.requests[0]
    assert params["q"] == QUESTION and params["format"] == "json"
    result = done.result
    assert result is not None
    found = result["search"]
    assert found["provider"] == "searxng" and found["query"] == QUESTION
    ranks = [(hit["rank"], hit["source_index"], hit["skipped"]) for hit in found["results"]]
    assert ranks == [
        (1, 0, None),
        (2, 1, None),
        (3, 2, None),
        (4, 3, None),
        (5, None, "the same page as result 1"),
        (6, None, "not an http(s) URL"),
    ]
    assert [s["status"] for s in result["sources"]] == ["fetched"] * 4
    assert [s["search_rank"] for s in result["sources"]] == [1, 2, 3, 4]
    assert all(site.hits[f"/page{i}"] == 1 for i in range(4)), "each page is read once"
    best = result["citations"][0]
    assert best["source_index"] == 3 and best["search_rank"] == 4
    assert best["url"] == site.url("/page3")
    assert "(search result 4)" in result["report"]


async def test_given_sources_below_min_sources_are_topped_up_by_the_search(
    jobs: Jobs, site: Site, search: SearchStandIn
) -> None:
    publish(site, search, count=2)
    spec = QUESTION_ONLY | {
        "sources": [{"kind": "text", "title": "memo", "text": "Workers crash; workflows recover."}],
        "min_sources": 2,
        "search_results": 1,
    }
    record, _ = await jobs.jobs.submit("quinn", spec)
    done = await jobs.finished("quinn", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    assert done.result is not None
    sources = done.result["sources"]
    assert [(s["kind"], s["search_rank"]) for s in sources] == [("text", None), ("url", 1)]
    assert site.hits["/page0"] == 1 and site.hits["/page1"] == 0


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("slow", "SearxNG did not answer within 3 s"),
        ("garbage", "SearxNG answered something that is not its search results (results:"),
        ("not-json", "SearxNG answered something that is not its search results"),
        ("forbidden", "SearxNG answered HTTP 403 (for SearxNG: is 'json' among search.formats"),
        ("huge", "the search answer is larger than 2000000 bytes"),
    ],
)
async def test_a_provider_that_fails_ends_the_job_clearly_after_its_bounded_tries(
    jobs: Jobs, search: SearchStandIn, mode: Any, reason: str
) -> None:
    search.mode = mode
    record, _ = await jobs.jobs.submit("quinn", QUESTION_ONLY)
    done = await jobs.finished("quinn", record.job_id)

    assert done.state is JobState.FAILED
    assert done.error is not None
    assert done.error.type == "SearchFailed" and done.error.phase == "search"
    assert done.error.message.startswith("the searxng search failed 2 times; last: ")
    assert reason in done.error.message
    assert done.error.retryable is False and done.error.attempts == 1
    assert search.calls == 2, "two tries, then a final failure: no loop"


async def test_a_search_that_finds_nothing_readable_fails_at_once(
    jobs: Jobs, search: SearchStandIn
) -> None:
    search.add("mailto:nobody@example.com", "Not a page")
    record, _ = await jobs.jobs.submit("quinn", QUESTION_ONLY)
    done = await jobs.finished("quinn", record.job_id)

    assert done.state is JobState.FAILED and done.error is not None
    assert done.error.type == "NoSearchResults"
    assert "found no readable page" in done.error.message
    assert search.calls == 1


async def test_pause_after_the_search_resumes_without_searching_again(
    jobs: Jobs, site: Site, search: SearchStandIn
) -> None:
    publish(site, search)
    site.delay = 0.5
    record, _ = await jobs.jobs.submit("quinn", QUESTION_ONLY)

    async def fetching() -> bool:
        return site.hits["/page0"] >= 1

    await assert_eventually(fetching, timeout=30)
    await jobs.jobs.control("quinn", record.job_id, JobAction.PAUSE)
    await jobs.in_state("quinn", record.job_id, JobState.PAUSED)
    await jobs.jobs.control("quinn", record.job_id, JobAction.RESUME)
    done = await jobs.finished("quinn", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    assert search.calls == 1


async def test_pause_while_the_provider_answers_keeps_its_answer_for_the_resume(
    jobs: Jobs, site: Site, search: SearchStandIn
) -> None:
    publish(site, search)
    search.delay = 2.0
    record, _ = await jobs.jobs.submit("quinn", QUESTION_ONLY)

    async def asked() -> bool:
        return search.calls == 1

    await assert_eventually(asked, timeout=30)
    await jobs.jobs.control("quinn", record.job_id, JobAction.PAUSE)
    paused = await jobs.in_state("quinn", record.job_id, JobState.PAUSED)
    assert paused.checkpoint is not None and paused.checkpoint.phase == "search"
    assert all(site.hits[f"/page{i}"] == 0 for i in range(4)), "paused before any fetch"
    await jobs.jobs.control("quinn", record.job_id, JobAction.RESUME)
    done = await jobs.finished("quinn", record.job_id)

    assert done.state is JobState.COMPLETED, done.error
    assert search.calls == 1, "the answer in the pause's checkpoint is used, not asked again"


async def test_an_unreachable_provider_is_a_search_failure() -> None:
    with refused_port() as port:
        settings = ResearchSettings(
            search_provider="searxng", searxng_url=f"http://127.0.0.1:{port}"
        )
        with pytest.raises(SearchFailed, match=r"^SearxNG could not be reached \(ConnectError\)$"):
            await SearxngSearch(settings).search("durable workflows", 5)


async def test_a_retried_search_phase_keeps_the_results_its_checkpoint_holds(
    site: Site, search: SearchStandIn
) -> None:
    publish(site, search)
    harness = Harness(unit_settings(job_types={"research": searxng(search)}))
    harness.stop_after = 1
    with pytest.raises(Stop):
        await harness.run(QUESTION_ONLY, "search")
    assert search.calls == 1
    saved = harness.heartbeats[-1]

    harness.stop_after = None
    output = await harness.run(QUESTION_ONLY, "search", resumed=saved)

    assert search.calls == 1, "the provider is not asked again"
    assert output == saved.state["search"]
    logs = [e.data["message"] for e in harness.events.events if e.type is EventType.LOG]
    assert any("its results are kept" in line for line in logs)


async def test_a_worker_without_a_provider_fails_a_search_job_with_how_to_configure_one() -> None:
    with pytest.raises(JobFailed, match="JOBWIRE_JOB_TYPES__RESEARCH__SEARCH_PROVIDER"):
        await Harness(unit_settings()).run(QUESTION_ONLY, "search")


async def test_found_pages_on_a_private_address_are_refused_like_given_ones(
    site: Site, search: SearchStandIn
) -> None:
    publish(site, search, count=1)
    settings = unit_settings(allow_private_sources=False, job_types={"research": searxng(search)})
    harness = Harness(settings)
    found = await harness.run(QUESTION_ONLY, "search")
    with pytest.raises(JobFailed, match="none of the sources gave readable text"):
        await harness.run(QUESTION_ONLY, "fetch", previous={"search": found})
    assert site.hits["/page0"] == 0, "nothing was asked of the private address"
    assert search.calls == 1, "the operator's own provider is reachable on its network"


async def test_brave_search_sends_its_token_and_count_and_reads_web_results(
    search: SearchStandIn,
) -> None:
    search.add("https://a.example/", "A", "first")
    search.add("https://b.example/", "B", "second")
    settings = ResearchSettings(
        search_provider="brave",
        brave_url=search.brave_url,
        brave_api_key=SecretStr("brave-token"),
        brave_max_results=1,
    )
    found = await BraveSearch(settings).search("durable workflows", 5)

    assert [(f.title, f.url, f.snippet) for f in found] == [("A", "https://a.example/", "first")]
    params, headers = search.requests[0]
    assert params == {"q": "durable workflows", "count": "1"}
    assert headers["x-subscription-token"] == "brave-token"


async def test_searxng_sends_its_key_as_a_bearer_header_and_caps_its_results(
    search: SearchStandIn,
) -> None:
    for i in range(5):
        search.add(f"https://{i}.example/", f"R{i}")
    settings = ResearchSettings(
        search_provider="searxng",
        searxng_url=search.searxng_url + "/",
        searxng_api_key=SecretStr("searx-key"),
        searxng_max_results=3,
    )
    found = await SearxngSearch(settings).search("durable workflows", 10)

    assert [f.url for f in found] == [
        "https://0.example/",
        "https://1.example/",
        "https://2.example/",
    ]
    params, headers = search.requests[0]
    assert "searx-key" not in str(params)
    assert headers["authorization"] == "Bearer searx-key"


async def test_brave_search_answering_garbage_is_a_search_failure_naming_it(
    search: SearchStandIn,
) -> None:
    search.mode = "garbage"
    settings = ResearchSettings(
        search_provider="brave", brave_url=search.brave_url, brave_api_key=SecretStr("k-123")
    )
    with pytest.raises(SearchFailed) as failed:
        await BraveSearch(settings).search("durable workflows", 5)
    assert str(failed.value).startswith("Brave Search answered something that is not its")
    assert "k-123" not in str(failed.value)


async def test_a_worker_whose_sources_are_full_does_not_search(search: SearchStandIn) -> None:
    settings = unit_settings(job_types={"research": searxng(search, max_sources=1)})
    spec = QUESTION_ONLY | {"sources": [{"kind": "text", "text": "a note"}], "min_sources": 2}
    output = await Harness(settings).run(spec, "search")
    assert output["results"] == [] and search.calls == 0


async def test_the_search_log_line_carries_the_found_list_for_live_clients(
    site: Site, search: SearchStandIn
) -> None:
    publish(site, search, count=2)
    harness = Harness(unit_settings(job_types={"research": searxng(search)}))
    output = await harness.run(QUESTION_ONLY, "search")
    lines = [e.data for e in harness.events.events if e.type is EventType.LOG]
    assert [line["search"] for line in lines if "search" in line] == [output]
