"""The four measurements, written once against a small interface each system implements.

Every wait is bounded: a job that never finishes, or a client that never hears of it, ends
as a figure (lost, missed), never as a hung run.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence

from bench.peers.shape import (
    Crash,
    Fanout,
    JobShape,
    Latency,
    Profile,
    SubmitRate,
    Watched,
)

SLACK = 30.0
"""Seconds a watch may run past its job's own length before it gives up."""


class Peer(ABC):
    """One system under test, with its workers already running."""

    name: str

    async def prepare(self, jobs: int, watchers: int) -> None:
        """Gets ready for ``jobs`` jobs followed by ``watchers`` clients each, as a client that
        is already connected when it submits would be. Most systems need nothing."""
        return None

    @abstractmethod
    async def start_job(self, shape: JobShape) -> str:
        """Submits one job to the running workers; its id."""

    @abstractmethod
    async def watch(self, job_id: str, watched: Watched, deadline: float) -> None:
        """Follows the job as its users would, recording each report, until it finishes or
        ``deadline`` (``time.monotonic``) passes."""

    @abstractmethod
    async def submit_idle(self, shape: JobShape) -> None:
        """Submits one job where no worker takes it: the cost of accepting a job alone."""

    @abstractmethod
    async def finished(self, job_id: str) -> tuple[bool, str]:
        """Whether the job completed, and its state in the system's own words."""

    @abstractmethod
    async def kill_worker(self, job_id: str) -> None:
        """``kill -9`` of the whole worker process (group) running the job."""

    @abstractmethod
    async def processed(self, job_id: str) -> list[int]:
        """The items the job counted, in order, repeats included."""


async def latency(peer: Peer, profile: Profile) -> Latency:
    """``profile.jobs`` jobs started one after another, each followed by one client."""
    shape = profile.shape
    watches: list[Watched] = []
    tasks: list[asyncio.Task[None]] = []
    await peer.prepare(profile.jobs, 1)
    deadline = time.monotonic() + shape.seconds + SLACK
    for _ in range(profile.jobs):
        watched = Watched(submitted_at=time.time())
        job_id = await peer.start_job(shape)
        watches.append(watched)
        tasks.append(asyncio.create_task(_watch(peer, job_id, watched, deadline)))
    await asyncio.gather(*tasks)
    return Latency(watched=watches, items=shape.items)


async def fanout(peer: Peer, shape: JobShape, subscribers: int) -> tuple[str, Fanout]:
    """One job followed by ``subscribers`` clients at once; the job id and what they saw."""
    await peer.prepare(1, subscribers)
    submitted_at = time.time()
    job_id = await peer.start_job(shape)
    watches = [Watched(submitted_at=submitted_at) for _ in range(subscribers)]
    deadline = time.monotonic() + shape.seconds + SLACK
    await asyncio.gather(*(_watch(peer, job_id, watched, deadline) for watched in watches))
    return job_id, Fanout(subscribers=subscribers, items=shape.items, watched=watches)


async def _watch(peer: Peer, job_id: str, watched: Watched, deadline: float) -> None:
    try:
        await peer.watch(job_id, watched, deadline)
    except Exception as error:
        watched.error = f"{type(error).__name__}: {error}"[:200]


async def submit_rates(
    peers: Sequence[Peer], profile: Profile, rounds: int = 4
) -> dict[str, list[SubmitRate]]:
    """``profile.submissions`` jobs per system at each concurrency, to a queue no worker
    takes from, in ``rounds`` bursts whose order rotates: every system submits as often into
    a server that the others just filled."""
    per_burst = max(1, profile.submissions // rounds)
    for peer in peers:
        await peer.submit_idle(profile.shape)  # untimed: connections made, servers warm
    rates: dict[str, list[SubmitRate]] = {peer.name: [] for peer in peers}
    for concurrency in profile.concurrency:
        seconds = dict.fromkeys(rates, 0.0)
        for number in range(rounds):
            turn = number % len(peers)
            for peer in [*peers[turn:], *peers[:turn]]:
                seconds[peer.name] += await _burst(peer, profile.shape, per_burst, concurrency)
        for name, spent in seconds.items():
            rates[name].append(SubmitRate(concurrency, per_burst * rounds, spent))
    return rates


async def _burst(peer: Peer, shape: JobShape, count: int, concurrency: int) -> float:
    remaining = count

    async def lane() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await peer.submit_idle(shape)

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return time.perf_counter() - started


async def crash(peer: Peer, profile: Profile) -> Crash:
    """Kills the worker running a job once a third of its items are done, then waits (at
    most ``profile.crash_wait``) for another worker to finish it."""
    shape = profile.crash_shape
    job_id = await peer.start_job(shape)
    deadline = time.monotonic() + shape.seconds + SLACK
    while len(await peer.processed(job_id)) < shape.items // 3:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{peer.name}: {job_id} never got a third of the way")
        await asyncio.sleep(0.02)
    await peer.kill_worker(job_id)
    killed_at = time.monotonic()
    before = len(await peer.processed(job_id))

    async def resumed() -> float:
        """When the first item after the kill is counted, wherever it runs."""
        while True:
            if len(await peer.processed(job_id)) > before:
                return time.monotonic() - killed_at
            await asyncio.sleep(0.02)

    # Apart from the state polls: a system's own status call may stall while it recovers.
    resuming = asyncio.create_task(resumed())
    finished, state = False, ""
    try:
        while (left := profile.crash_wait - (time.monotonic() - killed_at)) > 0:
            try:
                finished, state = await asyncio.wait_for(peer.finished(job_id), left)
            except TimeoutError:
                state = "unknown: its status call did not answer"
                break
            if finished:
                break
            await asyncio.sleep(0.05)
    finally:
        resumed_after = resuming.result() if resuming.done() else None
        resuming.cancel()
    waited = time.monotonic() - killed_at
    return Crash(
        items=shape.items,
        done_before_kill=before,
        finished=finished,
        seconds_to_resume=resumed_after,
        seconds_to_finish=waited if finished else None,
        processed=await peer.processed(job_id),
        waited=waited,
        state_after=state,
    )
