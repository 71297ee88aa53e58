"""Specs of every job type, generated to be hostile (extreme numbers, NaN and infinities,
control characters, huge strings, wrong types), sent through the real API to a real worker.

Each one is either refused at once with a 422 that names a field, or accepted and then ends:
it reaches a terminal state on its own or, if it is legitimately long, when cancelled, and its
phases never take more attempts than the retry limit. None may crash the API (no 500).
Generated with hypothesis, derandomized so CI sees the same specs.
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis.asyncio import Redis
from temporalio.client import Client

from jobwire.contract.registry import job_types
from jobwire.contract.states import JobState
from jobwire.settings import Settings
from tests.support.api_stack import Api, api_stack

pytestmark = pytest.mark.integration

SPECS_PER_TYPE = 12
EDGES_PER_TYPE = 8
SETTLE_SECONDS = 40.0
"""How long an accepted job may run on its own before the test cancels it (a spec may ask for
a day-long trade): a liveness bound, not a speed target."""

EXTREME_NUMBERS = st.one_of(
    st.sampled_from([1e308, -1e308, 1e300, 1e-300, -1e-300, 0, -1, 2**63, 10**30, -(10**30)]),
    st.sampled_from([float("inf"), float("-inf"), float("nan")]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
)
HOSTILE_TEXT = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "../../../etc/passwd", "\u202e", "é" * 5000, "💥" * 300]),
    st.text(max_size=50),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
)
HOSTILE_VALUE = st.one_of(
    EXTREME_NUMBERS,
    HOSTILE_TEXT,
    st.none(),
    st.booleans(),
    st.lists(EXTREME_NUMBERS, max_size=5),
    st.lists(st.integers(), min_size=300, max_size=300),
    st.dictionaries(HOSTILE_TEXT, EXTREME_NUMBERS, max_size=3),
)


def plausible(original: Any) -> st.SearchStrategy[Any]:
    """A value of the original's own kind pushed to an edge (scaled far up or down, zero, a
    long or foreign string, a list stretched or emptied): many of these pass validation, so
    the worker, not only the API, meets them."""
    if isinstance(original, bool):
        return st.just(not original)
    if isinstance(original, int | float):
        factors = [0, 1, -1, 1e-9, 1e-3, 1e3, 1e6, 1e9]
        return st.sampled_from([type(original)(original * f) for f in factors])
    if isinstance(original, str) and _is_number(original):
        scaled = [float(original) * f for f in (0, 1e-6, 1e-3, 1e3, 1e6, 1e9)]
        return st.sampled_from([f"{value:g}" for value in scaled])
    if isinstance(original, str):
        readable = st.characters(blacklist_categories=("Cc", "Cs"))
        return st.one_of(
            st.text(alphabet=readable, min_size=1, max_size=300),
            st.just(original * 50),
            st.just(original[:1]),
        )
    if isinstance(original, list) and original:
        return st.sampled_from([original * 20, original[:1], list(reversed(original))])
    return st.just(original)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a spec a value can be swapped, the containers themselves included."""
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            if prefix or key != "type":  # the discriminator is refused by name elsewhere
                paths += leaf_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += leaf_paths(item, (*prefix, index))
    return paths


def with_value(spec: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(spec)
    holder: Any = changed
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return changed


@st.composite
def hostile_spec(draw: st.DrawFn, example: dict[str, Any]) -> dict[str, Any]:
    """One to three places of the example given a hostile value or an edge of their own kind:
    mostly refused at the API."""
    spec = copy.deepcopy(example)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(leaf_paths(spec)))
        original = value_at(spec, path)
        spec = with_value(spec, path, draw(st.one_of(plausible(original), HOSTILE_VALUE)))
    return spec


@st.composite
def edge_spec(draw: st.DrawFn, example: dict[str, Any]) -> dict[str, Any]:
    """One or two of the example's numbers pushed to an edge (zero, a millionth, a billion
    times): many are valid, so they reach the worker."""
    spec = copy.deepcopy(example)
    numeric = [path for path in leaf_paths(spec) if _is_numeric(value_at(spec, path))]
    for path in draw(st.lists(st.sampled_from(numeric), min_size=1, max_size=2, unique=True)):
        spec = with_value(spec, path, draw(plausible(value_at(spec, path))))
    return spec


def _is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and _is_number(value))


def value_at(spec: dict[str, Any], path: tuple[Any, ...]) -> Any:
    holder: Any = spec
    for step in path:
        holder = holder[step]
    return holder


def generated(
    example: dict[str, Any], count: int, strategy: Any = hostile_spec
) -> list[dict[str, Any]]:
    """``count`` specs from ``strategy``, the same ones on every run."""
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy(example))
    def collect(spec: dict[str, Any]) -> None:
        found.append(spec)

    collect()
    return found[:count]


@pytest_asyncio.fixture
async def real_api(settings: Settings, temporal_client: Client, redis: Redis) -> Any:
    async with api_stack(settings, temporal_client, redis, job_types) as running:
        yield running


async def submit(http: httpx.AsyncClient, spec: dict[str, Any]) -> httpx.Response:
    body = json.dumps(spec)  # allow_nan: NaN and Infinity go out as the literals they are
    return await http.post("/api/jobs", content=body, headers={"Content-Type": "application/json"})


async def ends(api: Api, http: httpx.AsyncClient, job_id: str) -> tuple[JobState, int]:
    """The state the job ended in and how many attempts its phases took."""
    try:
        record = await api.wait_for_state(
            http,
            job_id,
            JobState.COMPLETED,
            JobState.FAILED,
            JobState.CANCELLED,
            timeout=SETTLE_SECONDS,
        )
    except AssertionError:  # legitimately long (a day-long trade): it must end when cancelled
        cancelled = await http.post(f"/api/jobs/{job_id}/cancel")
        assert cancelled.status_code in (202, 409), cancelled.text
        record = await api.wait_for_state(
            http, job_id, JobState.CANCELLED, JobState.COMPLETED, JobState.FAILED, timeout=60
        )
    return record.state, await recoveries(http, job_id)


async def recoveries(http: httpx.AsyncClient, job_id: str) -> int:
    events = (await http.get(f"/api/jobs/{job_id}/events", params={"limit": 5000})).json()
    return sum(1 for event in events["events"] if event["type"] == "job.recovered")


@pytest.mark.parametrize("job_type", job_types.names())
async def test_every_generated_spec_is_refused_or_ends(real_api: Api, job_type: str) -> None:
    (example, *_) = job_types.get(job_type).examples
    specs = generated(example, SPECS_PER_TYPE) + generated(example, EDGES_PER_TYPE, edge_spec)
    assert len(specs) == SPECS_PER_TYPE + EDGES_PER_TYPE
    accepted: list[str] = []
    async with real_api.client() as http:
        for spec in specs:
            answer = await submit(http, spec)
            assert answer.status_code in (201, 422), (spec, answer.status_code, answer.text)
            if answer.status_code == 422:
                problem = answer.json()
                assert answer.headers["content-type"] == "application/problem+json"
                assert problem["errors"] and all(e["field"] for e in problem["errors"]), problem
            else:
                accepted.append(answer.json()["job_id"])
        outcomes = await asyncio.gather(*(ends(real_api, http, job) for job in accepted))
    assert accepted, "the generator reached no worker: every spec was refused at the API"
    retry_limit = real_api.settings.retry_maximum_attempts
    for job_id, (state, recovered) in zip(accepted, outcomes, strict=True):
        assert state.is_terminal, job_id
        assert recovered < retry_limit, f"{job_id} took {recovered + 1} attempts"
