"""What every peer is measured on: one job shape, one run profile, and what a run observed.

Every system runs the same job: ``items`` items, a sleep of ``item_seconds`` each, the item
appended to a Redis list once done (so a crash shows exactly which items ran twice), then one
progress report carrying the wall time it was sent (``ts``). Nothing here does I/O beyond that
list, so the Temporal workflows can import these types inside their sandbox.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from redis.asyncio import Redis

HEARTBEAT_TIMEOUT = 2.0
"""Every Temporal-based system (plain, Workflow Streams, jobwire) retries a silent activity
after this, so their crash figures compare like with like."""

RETRY_INITIAL_SECONDS = 1.0


@dataclass(frozen=True)
class JobShape:
    items: int
    item_seconds: float

    @property
    def seconds(self) -> float:
        return self.items * self.item_seconds


@dataclass(frozen=True)
class Profile:
    """How much of everything one run does; ``--short`` and the test use smaller ones."""

    name: str
    shape: JobShape
    jobs: int
    """Jobs at once for the latency figures, each watched by one client."""
    submissions: int
    """Jobs submitted per concurrency level for the submit rate."""
    concurrency: tuple[int, ...]
    subscribers: tuple[int, ...]
    """Subscriber counts on one job for Workflow Streams and jobwire."""
    crash_shape: JobShape
    crash_wait: float
    """Longest wait, after the kill, for the job to finish before it counts as lost."""
    poll_seconds: float = 0.1
    """How often the polling clients (Celery, the Temporal query) ask."""
    celery_visibility_timeout: float = 10.0


FULL = Profile(
    name="full",
    shape=JobShape(items=40, item_seconds=0.1),
    jobs=5,
    submissions=200,
    concurrency=(1, 16),
    subscribers=(1, 10, 20, 50, 100, 200),
    crash_shape=JobShape(items=60, item_seconds=0.1),
    crash_wait=40.0,
)
SHORT = Profile(
    name="short",
    shape=JobShape(items=20, item_seconds=0.1),
    jobs=3,
    submissions=40,
    concurrency=(1, 16),
    subscribers=(1, 10, 20, 50),
    crash_shape=JobShape(items=40, item_seconds=0.1),
    crash_wait=25.0,
)


@dataclass(frozen=True)
class Progress:
    """One progress report as the job sent it: items done, and when (epoch seconds)."""

    done: int
    total: int
    ts: float
    pid: int


@dataclass
class Watched:
    """What one client saw of one job."""

    submitted_at: float
    first_progress_at: float | None = None
    latencies: list[float] = field(default_factory=list)
    """Receipt minus ``ts``, seconds, for each report seen."""
    seen: set[int] = field(default_factory=set)
    """The ``done`` values seen: a polling client misses the ones between two polls."""
    finished: bool = False
    error: str | None = None

    def saw(self, done: int, ts: float, received: float) -> None:
        if done < 1 or done in self.seen:
            return
        self.seen.add(done)
        self.latencies.append(received - ts)
        if self.first_progress_at is None:
            self.first_progress_at = received

    @property
    def to_first_progress(self) -> float | None:
        if self.first_progress_at is None:
            return None
        return self.first_progress_at - self.submitted_at


@dataclass
class Latency:
    """Jobs at once, each watched by one client: the figures for one system."""

    watched: list[Watched]
    items: int

    @property
    def latencies(self) -> list[float]:
        return [value for watch in self.watched for value in watch.latencies]

    @property
    def first_progress(self) -> list[float]:
        return [t for watch in self.watched if (t := watch.to_first_progress) is not None]

    @property
    def seen_share(self) -> float:
        return sum(len(watch.seen) for watch in self.watched) / (self.items * len(self.watched))


@dataclass
class SubmitRate:
    concurrency: int
    submitted: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.submitted / self.seconds


@dataclass
class Crash:
    """What happened to one job whose worker was killed with SIGKILL mid-job."""

    items: int
    done_before_kill: int
    finished: bool
    seconds_to_resume: float | None
    """From the kill to the first item counted after it: when work went on somewhere."""
    seconds_to_finish: float | None
    processed: list[int]
    waited: float
    state_after: str = ""

    @property
    def redone(self) -> int:
        return len(self.processed) - len(set(self.processed))

    @property
    def missing(self) -> int:
        return self.items - len(set(self.processed))


@dataclass
class Fanout:
    """One job watched by ``subscribers`` clients at once."""

    subscribers: int
    items: int
    watched: list[Watched]
    history_events: int | None = None

    @property
    def failed(self) -> list[Watched]:
        return [watch for watch in self.watched if watch.error is not None]

    @property
    def received(self) -> int:
        return sum(len(watch.seen) for watch in self.watched)


def processed_key(job_id: str) -> str:
    return f"bench:peers:{job_id}:processed"


async def record_item(redis: Redis, job_id: str, item: int) -> None:
    await redis.rpush(processed_key(job_id), item)


async def processed(redis: Redis, job_id: str, key: str | None = None) -> list[int]:
    return [int(item) for item in await redis.lrange(key or processed_key(job_id), 0, -1)]


def milliseconds(samples: Sequence[float]) -> tuple[str, str]:
    """p50 and p99 in milliseconds, as table cells ("-" with no sample)."""
    if not samples:
        return "-", "-"
    ordered = sorted(samples)
    if len(ordered) == 1:
        return f"{ordered[0] * 1000:.0f}", f"{ordered[0] * 1000:.0f}"
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return f"{cuts[49] * 1000:.0f}", f"{cuts[98] * 1000:.0f}"
