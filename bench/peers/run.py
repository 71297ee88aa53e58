"""One run of every peer on one throwaway stack: each system in turn with its own workers,
then the submit rates of all of them, interleaved, on a queue no worker takes from."""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field

from redis.asyncio import Redis
from temporalio.client import Client
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

from bench.peers import measure
from bench.peers.celery_peer import CeleryPeer
from bench.peers.jobwire_peer import JobwirePeer, jobwire_peer
from bench.peers.measure import Peer
from bench.peers.shape import Crash, Fanout, Latency, Profile, SubmitRate
from bench.peers.temporal_peer import QueriedPeer, StreamedPeer
from bench.peers.workers import celery_workers, temporal_workers


@dataclass
class Row:
    """Everything measured of one system (or one configuration of it)."""

    system: str
    how: str
    latency: Latency | None = None
    rates: list[SubmitRate] = field(default_factory=list)
    crash: Crash | None = None
    fanouts: list[Fanout] = field(default_factory=list)


def say(message: str) -> None:
    print(f"[peers {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def quiet_runtime() -> Runtime:
    """The SDK core warns on every retried update; past ten subscribers Workflow Streams
    retries thousands, and the section counts what failed in the end."""
    filter_ = TelemetryFilter(core_level="ERROR", other_level="ERROR")
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=filter_)))


async def measure_all(profile: Profile) -> list[Row]:
    async with jobwire_peer() as jobwire:
        settings = jobwire.stack.settings
        redis_url = str(settings.redis_url)
        temporal = await Client.connect(settings.temporal_address, runtime=quiet_runtime())
        redis = Redis.from_url(redis_url)
        celery = CeleryPeer(redis_url, redis, profile.poll_seconds, name="Celery (defaults)")
        queried = QueriedPeer(temporal, redis, "peers-query", profile.poll_seconds)
        streamed = StreamedPeer(temporal, redis, "peers-stream")
        try:
            rows = [
                *await _celery(celery, jobwire, redis, profile),
                await _temporal(queried, jobwire, temporal, profile),
                await _temporal(streamed, jobwire, temporal, profile),
                await _jobwire(jobwire, profile),
            ]
            say("submit rates, every system in turn")
            peers: list[Peer] = [celery, queried, streamed, jobwire]
            rates = await measure.submit_rates(peers, profile)
            for row in rows:
                row.rates = rates.get(row.system, [])
        finally:
            celery.close()
            await redis.aclose()
    return rows


async def _latency(peer: Peer, profile: Profile, row: Row) -> None:
    say(f"{peer.name}: {profile.jobs} jobs at once, one client each")
    row.latency = await measure.latency(peer, profile)


async def _crash(peer: Peer, profile: Profile, row: Row) -> None:
    say(f"{peer.name}: kill -9 of the worker mid-job")
    row.crash = await measure.crash(peer, profile)


async def _celery(
    peer: CeleryPeer, jobwire: JobwirePeer, redis: Redis, profile: Profile
) -> list[Row]:
    stack = jobwire.stack
    poll = f"{profile.poll_seconds * 1000:.0f} ms"
    default = Row(peer.name, f"`update_state`, client polls `AsyncResult` every {poll}")
    async with celery_workers(stack, 2, label="default"):
        await _latency(peer, profile, default)
        await _crash(peer, profile, default)
    timeout = profile.celery_visibility_timeout
    late = Row(f"Celery (`acks_late`, visibility timeout {timeout:.0f} s)", "as above")
    late_peer = CeleryPeer(
        str(stack.settings.redis_url), redis, profile.poll_seconds, name=late.system
    )
    try:
        async with celery_workers(
            stack, 2, label="late", acks_late=True, visibility_timeout=timeout
        ):
            await _crash(late_peer, profile, late)
    finally:
        late_peer.close()
    return [default, late]


async def _temporal(
    peer: QueriedPeer | StreamedPeer, jobwire: JobwirePeer, client: Client, profile: Profile
) -> Row:
    how = (
        f"activity signals the workflow, client polls a query every "
        f"{profile.poll_seconds * 1000:.0f} ms"
        if isinstance(peer, QueriedPeer)
        else "activity publishes to the workflow's stream (flushed at once), "
        "client subscribes (long-poll updates, 100 ms cooldown)"
    )
    row = Row(peer.name, how)
    async with temporal_workers(jobwire.stack, client, peer.task_queue, 2):
        await _latency(peer, profile, row)
        if isinstance(peer, StreamedPeer):
            row.fanouts = await _fanouts(peer, profile)
        await _crash(peer, profile, row)
    return row


async def _jobwire(peer: JobwirePeer, profile: Profile) -> Row:
    row = Row(peer.name, "activity → Redis stream → Socket.IO push (one event per item)")
    await _latency(peer, profile, row)
    row.fanouts = await _fanouts(peer, profile)
    await peer.add_worker()
    await _crash(peer, profile, row)
    return row


async def _fanouts(peer: StreamedPeer | JobwirePeer, profile: Profile) -> list[Fanout]:
    fanouts = []
    for subscribers in profile.subscribers:
        say(f"{peer.name}: one job, {subscribers} subscribers")
        job_id, fanout = await measure.fanout(peer, profile.shape, subscribers)
        await _until_finished(peer, job_id)
        fanout.history_events = await peer.history_length(job_id)
        fanouts.append(fanout)
    return fanouts


async def _until_finished(peer: Peer, job_id: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if (await peer.finished(job_id))[0]:
            return
        await asyncio.sleep(0.1)
