"""The browser tests' world: the session's real Temporal dev server and Redis, a `jobwire api`
and a `jobwire worker` started as production starts them, and Debian's Chromium driven by
Playwright.

The stack and the browser live as long as the browser tests run (starting two Python processes
per test would cost more than the tests) and stop before the rest of the suite, which they would
only load; each test isolates itself with users of its own. The API is a child process so that a
test can kill it and start it again on the same port.

A missing /usr/bin/chromium fails every browser test with the command that installs it: a
browser test never skips.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Generator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Frame, Page, async_playwright, expect

from bench.support.processes import ROOT, jobwire_process
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.devstack.redis_server import RedisServer
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.e2e.browser.stack import ARTIFACTS, CHROMIUM, ConsoleStack, chromium_missing
from tests.support.search_standin import SearchStandIn, search_standin

# Every expect() polls; on two shared cores a page may take a while to catch up.
expect.set_options(timeout=60_000)

BROWSER_LOG_LINES = 200
"""How much of what a failed test's page did (navigations, responses, console) its report
shows: the last lines, where it went wrong."""


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, or a failure that says how to install it (never a skip)."""
    problem = chromium_missing(CHROMIUM)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def console_built() -> None:
    """The console `jobwire api` serves is the one built from web/ by `make console`."""
    index = ROOT / "api" / "console" / "dist" / "index.html"
    if not index.is_file():
        pytest.fail(
            f"{index} is missing: build the web console with `make console` "
            "(scripts/build-console) before the browser tests.",
            pytrace=False,
        )


@pytest_asyncio.fixture(scope="package")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), headless=True)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(scope="package")
async def research_web() -> AsyncIterator[SearchStandIn]:
    """The stack's search provider, pages and LLM, on loopback: a research job from a question
    alone runs in the browser tests with nothing leaving the machine."""
    async with search_standin() as standin:
        yield standin


@pytest_asyncio.fixture(scope="package")
async def console_stack(
    console_built: None,
    temporal_dev: TemporalDevServer,
    redis_dev: RedisServer,
    research_web: SearchStandIn,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[ConsoleStack]:
    root = tmp_path_factory.mktemp("browser-stack")
    settings = Settings(
        _env_file=None,
        environment="test",
        temporal_address=temporal_dev.address,
        redis_url=redis_dev.url,
        task_queue=f"browser-{uuid.uuid4()}",
        jwt_secret=TEST_JWT_SECRET,
        data_dir=root / "jobwire",
        api_port=free_port(),
        temporal_ui_url="http://127.0.0.1:8233",
        heartbeat_timeout_seconds=5,
        heartbeat_throttle_seconds=0.2,
        retry_initial_interval_seconds=0.2,
        retry_maximum_interval_seconds=1,
        allow_private_sources=True,  # the stand-in's pages are on loopback
        job_types={
            "research": {
                "search_provider": "searxng",
                "searxng_url": research_web.searxng_url,
                "llm_base_url": research_web.llm_url,
                "llm_model": "stand-in",
            }
        },
    )
    stack = ConsoleStack(
        settings=settings,
        api=jobwire_process("api", settings, root / "api"),
        worker=jobwire_process("worker", settings, root / "worker"),
    )
    try:
        await stack.worker.start()
        await stack.start_api()
        yield stack
    finally:
        await stack.api.stop(grace=5)
        await stack.worker.stop(grace=5)


@pytest_asyncio.fixture
async def stack(console_stack: ConsoleStack) -> ConsoleStack:
    """The session's stack with a fresh run id (so fresh users), its API up."""
    await console_stack.ensure_api()
    console_stack.run = uuid.uuid4().hex[:8]
    return console_stack


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps each phase's report on the item, so the page fixture knows the test failed; a
    failed test's report carries what its page did (a CI log is all a flaky run leaves)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    browsed: list[str] | None = getattr(item, "browser_log", None)
    if report.failed and browsed:
        report.sections.append(("what the page did", "\n".join(browsed[-BROWSER_LOG_LINES:])))
    return report


@pytest_asyncio.fixture
async def page(
    browser: Browser, request: pytest.FixtureRequest, artifacts: Path
) -> AsyncIterator[Page]:
    """A fresh tab (its own sessionStorage). A failed test leaves a screenshot behind; an
    uncaught error in the page fails the test, since the console must never throw."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    request.node.browser_log = browsed = []
    started = time.monotonic()

    def note(line: str) -> None:
        browsed.append(f"{time.monotonic() - started:7.2f}s {line}")

    def navigated(frame: Frame) -> None:
        if frame == tab.main_frame:
            note(f"at {frame.url}")

    tab.on("framenavigated", navigated)
    tab.on("console", lambda message: note(f"console {message.type}: {message.text}"))
    tab.on("requestfailed", lambda sent: note(f"failed {sent.method} {sent.url}: {sent.failure}"))
    tab.on("response", lambda got: note(f"{got.status} {got.request.method} {got.url}"))
    try:
        yield tab
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            failures = artifacts / "failures"
            failures.mkdir(exist_ok=True)
            await tab.screenshot(path=failures / f"{request.node.name}.png", full_page=True)
        await context.close()
    assert errors == [], f"the console threw: {errors}"
