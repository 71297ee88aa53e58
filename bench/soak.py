"""Soak and chaos: many jobs of every type and many live clients while parts of the stack break.

    python -m bench.soak            # release check: 200 jobs, 500 clients
    python -m bench.soak --short    # CI: the same steps at a tenth of the size

Two `jobwire worker` and two `jobwire api` processes run on a throwaway Temporal dev server
and Redis. Jobs of all three built-in types and the counting type start together; clients,
spread over both API instances, each follow one of their user's jobs (some subscribe before
the job has published anything). While the jobs run, in turn: `kill -9` of a worker (started
again), `kill -9` of an API instance (started again; its clients reconnect to the other one),
a Redis outage, `kill -9` of every API instance at once, and a restart of the Temporal dev
server. A client that loses its link reconnects to the next instance naming its job and
`since` in the connect payload — what Socket.IO's own connection-state recovery cannot do
across instances. Afterwards it counts: jobs not completed, events a client missed, got
twice or out of order, trade slices filled twice, items redone. Loopback only; every wait
is bounded; the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import socketio
from redis.asyncio import Redis

from activities.trade.paper import fills_key
from bench.report import add_docs_option, table, write_section
from bench.stack import ROOT, Stack, stack_settings
from bench.support.counting import processed_items
from bench.support.throwaway import api_ready, throwaway_servers
from jobwire import redis_keys as keys
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.devstack.processes import ManagedProcess
from jobwire.cli.devstack.redis_server import RedisServer
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.projection.events import latest_seq
from jobwire.settings import Settings

log = logging.getLogger("soak")

NS = "/jobs"
TERMINAL = {"job.completed", "job.failed", "job.cancelled"}


@dataclass(frozen=True)
class Plan:
    jobs: int
    clients: int
    users: int
    count_items: int
    """Items of a counting job (0.1 s each): long enough to span every chaos step."""
    pause: float
    """Seconds between two chaos steps."""


PLANS = {
    "short": Plan(jobs=20, clients=50, users=10, count_items=400, pause=5.0),
    "full": Plan(jobs=200, clients=500, users=50, count_items=600, pause=10.0),
}


def spec_for(index: int, plan: Plan) -> dict[str, Any]:
    """A mix: 40% counting, 30% trade, 15% research, 15% analysis."""
    kind = index % 20
    if kind < 8:
        return {"type": "count", "items": plan.count_items, "item_seconds": 0.1}
    if kind < 14:
        return {
            "type": "trade",
            "symbol": "ACME",
            "side": "buy" if index % 2 else "sell",
            "quantity": "1000",
            "slices": 10,
            "duration_seconds": plan.count_items / 15,
        }
    if kind < 17:
        return example("research")
    return example("analysis") | {"chunk_rows": 1000}


def example(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((ROOT / "examples" / f"{name}.json").read_text())
    return spec


# -- clients ------------------------------------------------------------------------------


@dataclass
class SoakClient:
    """Follows one job; on any lost link, reconnects to the next API instance with ``since``."""

    urls: list[str]
    token: str
    job_id: str
    turn: int
    assigned: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once ``job_id`` is known: a client may connect before its job is submitted."""
    events: list[dict[str, Any]] = field(default_factory=list)
    reconnects: int = 0
    resyncs: int = 0
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    terminal_seq: int | None = None
    first_ack_seq: int | None = None
    """The job's last seq when this client first subscribed: 0 means before any event."""
    answered_link: int = -1
    """The last link whose subscription was answered; events before that on a link are early
    (docs/protocol.md: the user room's events may come before a subscribe's replay)."""
    _tasks: set[asyncio.Future[None]] = field(default_factory=set)

    def last_seq(self) -> int:
        """The end of the unbroken run from 1: what to resume after. (The highest seq seen
        would skip older events that a broken link kept from arriving.)"""
        seen = {e["seq"] for e in self.events if e["job_id"] == self.job_id}
        last = 0
        while last + 1 in seen:
            last += 1
        return last

    async def run(self, deadline: float) -> None:
        first = True
        while not self.finished.is_set() and time.monotonic() < deadline:
            url = self.urls[self.turn % len(self.urls)]
            self.turn += 1
            sio = socketio.AsyncClient(reconnection=False)
            gone = asyncio.Event()
            answered: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            sio.on("disconnect", gone.set, namespace=NS)
            sio.on("job_event", self._on_event, namespace=NS)
            sio.on("resync", self._resync_handler(sio), namespace=NS)
            sio.on("subscribed", _answer(answered), namespace=NS)
            named = self.assigned.is_set()
            try:
                await sio.connect(
                    url,
                    auth=self._auth(name_the_job=named),
                    namespaces=[NS],
                    transports=["websocket"],
                    wait_timeout=15,
                )
                await self.assigned.wait()
                if named:
                    ack = await asyncio.wait_for(answered, 30)
                else:  # connected before its job was submitted
                    ack = await sio.call("subscribe", self.subscription(), namespace=NS, timeout=30)
                if not ack.get("ok"):
                    raise RuntimeError(f"subscribe refused: {ack}")
                self.answered_link = self.reconnects
                if first:
                    self.first_ack_seq = int(ack.get("last_seq", 0))
                first = False
                waiting = [asyncio.ensure_future(gone.wait()), asyncio.ensure_future(self._done())]
                await asyncio.wait(
                    waiting,
                    timeout=max(0.0, deadline - time.monotonic()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for task in waiting:
                    task.cancel()
            except Exception as exc:
                log.debug("client of %s: %s", self.job_id, exc)
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(Exception):
                    await sio.disconnect()
            if not self.finished.is_set():
                self.reconnects += 1

    def _auth(self, *, name_the_job: bool) -> dict[str, Any]:
        """Once the job is known, the connect payload names it, so its replay comes ahead of
        the user room's live events: in order on the raw socket."""
        if not name_the_job:
            return {"token": self.token}
        return {"token": self.token, "subscriptions": [self.subscription()]}

    def subscription(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "since": self.last_seq()}

    async def _done(self) -> None:
        await self.finished.wait()

    def _on_event(self, data: dict[str, Any]) -> None:
        early = self.answered_link != self.reconnects
        self.events.append(data | {"_link": self.reconnects, "_early": early})
        if data["job_id"] != self.job_id:
            return
        if data["type"] in TERMINAL:
            self.terminal_seq = data["seq"]
        # Done only when nothing older is still on its way: the terminal event can arrive
        # before older ones that a replay is bringing.
        if self.terminal_seq is not None and self.last_seq() >= self.terminal_seq:
            self.finished.set()

    def _resync_handler(self, sio: socketio.AsyncClient) -> Any:
        def on_resync(data: Any) -> None:
            task = asyncio.ensure_future(self._resync(sio))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        return on_resync

    async def _resync(self, sio: socketio.AsyncClient) -> None:
        self.resyncs += 1
        with contextlib.suppress(Exception):
            await sio.call("subscribe", self.subscription(), namespace=NS, timeout=30)


def _answer(answered: asyncio.Future[dict[str, Any]]) -> Callable[[Any], None]:
    def on_subscribed(data: Any) -> None:
        if not answered.done():
            answered.set_result(data)

    return on_subscribed


@dataclass
class Delivery:
    """What the clients got, against what each job's stream holds."""

    events_expected: int = 0
    missing: int = 0
    repeated: int = 0
    """Twice on one connection: never allowed."""
    repeated_after_reconnect: int = 0
    """Twice across a reconnect: the reconnect's ``since`` lay below an event received."""
    out_of_order: int = 0
    """Received after a newer event of the job, on the raw socket (the client reorders
    nothing)."""
    early_then_replayed: int = 0
    """Came from the user room before the link's subscribe was answered, then in the replay
    that subscribe asked for (its ``since`` was sent before they arrived): the protocol's
    "early" events, which a client drops as repeats. Counted, not a failure; every other
    repeat on one link is."""
    snapshots: int = 0


def check_delivery(client: SoakClient, last: int) -> Delivery:
    mine = [e for e in client.events if e["job_id"] == client.job_id]
    every = [e for e in mine if e["type"] != "job.snapshot"]
    live = [e for i, e in enumerate(every) if not _replayed_after(e, every[i + 1 :])]
    counts = Counter(e["seq"] for e in live)
    per_link = Counter((e["_link"], e["seq"]) for e in live)
    repeated = sum(n - 1 for n in counts.values())
    on_one_link = sum(n - 1 for n in per_link.values())
    seqs = [e["seq"] for e in live]
    return Delivery(
        events_expected=last,
        missing=sum(1 for seq in range(1, last + 1) if seq not in counts),
        repeated=on_one_link,
        repeated_after_reconnect=repeated - on_one_link,
        out_of_order=sum(1 for a, b in itertools.pairwise(seqs) if b < a),
        snapshots=len(mine) - len(every),
        early_then_replayed=len(every) - len(live),
    )


def _replayed_after(event: dict[str, Any], later: list[dict[str, Any]]) -> bool:
    """An early event that the same link's replay brought again."""
    return bool(event["_early"]) and any(
        e["seq"] == event["seq"] and e["_link"] == event["_link"] for e in later
    )


# -- the stack ----------------------------------------------------------------------------


@dataclass
class SoakStack:
    settings: Settings
    temporal: TemporalDevServer
    redis: RedisServer
    workers: list[ManagedProcess]
    apis: list[ManagedProcess]
    urls: list[str]


@asynccontextmanager
async def soak_stack(root: Path) -> AsyncIterator[SoakStack]:
    async with AsyncExitStack() as stack:
        temporal, redis = await stack.enter_async_context(throwaway_servers(root))
        settings = stack_settings(
            temporal,
            redis,
            root,
            heartbeat_timeout_seconds=5,
            retry_initial_interval_seconds=0.5,
            retry_maximum_interval_seconds=2,
        )
        ports = [free_port(), free_port()]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        base = Stack(settings=settings, root=root, api_url=urls[0])
        workers = [base.process("worker", f"worker{n}") for n in range(2)]
        apis = [base.process("api", f"api{n}", api_port=port) for n, port in enumerate(ports)]
        for child in (*workers, *apis):
            await child.start()
            stack.push_async_callback(child.stop)
        for api, url in zip(apis, urls, strict=True):
            await api.wait_ready(functools.partial(api_ready, url), timeout=90)
        yield SoakStack(settings, temporal, redis, workers, apis, urls)


# -- chaos --------------------------------------------------------------------------------


async def chaos(stack: SoakStack, plan: Plan, steps: list[str]) -> None:
    """One failure at a time, each given time to heal before the next."""
    await asyncio.sleep(plan.pause)
    steps.append("kill -9 worker0")
    await stack.workers[0].kill()
    await asyncio.sleep(2)
    await stack.workers[0].start()

    await asyncio.sleep(plan.pause)
    steps.append("kill -9 api0, started again")
    await stack.apis[0].kill()
    await asyncio.sleep(1)
    await stack.apis[0].start()
    await stack.apis[0].wait_ready(lambda: api_ready(stack.urls[0]), timeout=90)

    await asyncio.sleep(plan.pause)
    steps.append("Redis down for 5 s")
    await stack.redis.kill()
    await asyncio.sleep(5)
    await stack.redis.start()

    await asyncio.sleep(plan.pause)
    steps.append("every API instance killed and started again")
    for api in stack.apis:
        await api.kill()
    for api, url in zip(stack.apis, stack.urls, strict=True):
        await api.start()
        await api.wait_ready(functools.partial(api_ready, url), timeout=90)

    await asyncio.sleep(plan.pause)
    steps.append("Temporal dev server restarted")
    await stack.temporal.stop()
    await stack.temporal.start()


# -- the run ------------------------------------------------------------------------------


@dataclass
class Report:
    plan: str
    seconds: float = 0.0
    steps: list[str] = field(default_factory=list)
    states: Counter[str] = field(default_factory=Counter)
    delivery: Delivery = field(default_factory=Delivery)
    reconnects: int = 0
    resyncs: int = 0
    slices_filled: int = 0
    slices_filled_twice: int = 0
    items_redone: int = 0
    early_subscribers: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return sum(n for state, n in self.states.items() if state != "completed")

    @property
    def clean(self) -> bool:
        d = self.delivery
        return (
            self.lost == 0
            and d.missing == d.repeated == d.repeated_after_reconnect == d.out_of_order == 0
            and not self.slices_filled_twice
        )

    def rows(self) -> list[list[object]]:
        d = self.delivery
        return [
            ["jobs completed", self.states.get("completed", 0)],
            ["jobs not completed", self.lost],
            ["events the clients should have seen", d.events_expected],
            ["… missed after replay", d.missing],
            ["… received twice on one connection", d.repeated],
            ["… received again after a reconnect", d.repeated_after_reconnect],
            ["… received before an older one", d.out_of_order],
            ["… early from the user room, then in the replay asked for", d.early_then_replayed],
            ["degraded-feed snapshots received", d.snapshots],
            [
                "clients that subscribed before their job's first event",
                self.early_subscribers,
            ],
            ["client reconnects (to the next instance)", self.reconnects],
            ["resync requests", self.resyncs],
            ["trade slices filled", self.slices_filled],
            ["… filled twice", self.slices_filled_twice],
            ["counting items redone after crashes", self.items_redone],
        ]


async def submit_all(
    stack: SoakStack, plan: Plan, created: Callable[[int, int, str], None]
) -> list[tuple[int, str]]:
    """Starts every job, through both instances, calling ``created(index, user, job id)`` as
    soon as each is accepted; returns (user, job id) of all."""
    jobs: list[tuple[int, str]] = []

    async def one(index: int) -> None:
        user = index % plan.users
        token = issue_token(stack.settings, f"soak{user}")
        async with httpx.AsyncClient(
            base_url=stack.urls[index % 2],
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ) as http:
            response = await http.post("/api/jobs", json=spec_for(index, plan))
            response.raise_for_status()
            job_id = response.json()["job_id"]
            jobs.append((user, job_id))
            created(index, user, job_id)

    for start in range(0, plan.jobs, 20):
        await asyncio.gather(*(one(i) for i in range(start, min(plan.jobs, start + 20))))
    return jobs


async def final_states(
    stack: SoakStack, jobs: list[tuple[int, str]], timeout: float
) -> Counter[str]:
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=stack.urls[1], timeout=30) as http:
        while time.monotonic() < deadline:
            for user, job_id in jobs:
                if states.get(job_id) in ("completed", "failed", "cancelled"):
                    continue
                token = issue_token(stack.settings, f"soak{user}")
                with contextlib.suppress(httpx.HTTPError):
                    response = await http.get(
                        f"/api/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}
                    )
                    if response.status_code == 200:
                        states[job_id] = response.json()["state"]
            if all(states.get(j) in ("completed", "failed", "cancelled") for _, j in jobs):
                break
            await asyncio.sleep(2)
    return Counter(states.get(job_id, "unknown") for _, job_id in jobs)


async def soak(plan_name: str, root: Path) -> Report:
    plan = PLANS[plan_name]
    report = Report(plan=plan_name)
    started = time.monotonic()
    async with soak_stack(root) as stack:
        deadline = time.monotonic() + 900
        clients: list[SoakClient] = []
        following: list[asyncio.Task[None]] = []

        def follow(user: int, job_id: str) -> SoakClient:
            client = SoakClient(
                urls=stack.urls,
                token=issue_token(stack.settings, f"soak{user}"),
                job_id=job_id,
                turn=len(clients),
            )
            if job_id:
                client.assigned.set()
            clients.append(client)
            following.append(asyncio.create_task(client.run(deadline)))
            return client

        # each job's first follower is connected before the job is submitted and subscribes
        # the moment the POST returns, before the job has published anything (or nearly);
        # the others join once every job is in
        early = [follow(index % plan.users, "") for index in range(plan.jobs)]
        await asyncio.sleep(2)

        def created(index: int, user: int, job_id: str) -> None:
            early[index].job_id = job_id
            early[index].assigned.set()

        jobs = await submit_all(stack, plan, created)
        for index in range(plan.jobs, plan.clients):
            follow(*jobs[index % len(jobs)])
        await chaos(stack, plan, report.steps)
        report.states = await final_states(stack, jobs, timeout=600)
        await asyncio.wait(following, timeout=120)
        for task in following:
            task.cancel()
        redis = Redis.from_url(stack.redis.url, decode_responses=True)
        try:
            await collect(report, redis, clients, jobs)
        finally:
            await redis.aclose()
    report.seconds = time.monotonic() - started
    return report


async def collect(
    report: Report, redis: Redis, clients: list[SoakClient], jobs: list[tuple[int, str]]
) -> None:
    lasts = {job_id: await last_before_end(redis, job_id) for _, job_id in jobs}
    for client in clients:
        got = check_delivery(client, lasts[client.job_id])
        if got.missing or got.repeated or got.repeated_after_reconnect or got.out_of_order:
            mine = [e for e in client.events if e["job_id"] == client.job_id]
            seen = {e["seq"] for e in mine if e["type"] != "job.snapshot"}
            gone = [n for n in range(1, lasts[client.job_id] + 1) if n not in seen]
            twice = [seq for seq, n in Counter(e["seq"] for e in mine).items() if n > 1]
            around = [
                (i, e["seq"], e["type"][4:], e["_link"])
                for i, e in enumerate(mine)
                if any(abs(e["seq"] - seq) <= 3 for seq in twice)
            ]
            report.problems.append(f"{client.job_id}: twice {twice}; around them {around}")
            report.problems.append(
                f"{client.job_id}: missed {gone} of {lasts[client.job_id]}, "
                f"{got.repeated} twice, after "
                f"{client.reconnects} reconnects; received "
                f"{[(e['seq'], e['type'][4:]) for e in mine]}"
            )
        d = report.delivery
        d.events_expected += got.events_expected
        d.missing += got.missing
        d.repeated += got.repeated
        d.repeated_after_reconnect += got.repeated_after_reconnect
        d.out_of_order += got.out_of_order
        d.early_then_replayed += got.early_then_replayed
        d.snapshots += got.snapshots
        report.reconnects += client.reconnects
        report.early_subscribers += client.first_ack_seq == 0
        report.resyncs += client.resyncs
    for _, job_id in jobs:
        fills = [json.loads(raw) for raw in await redis.lrange(fills_key(job_id), 0, -1)]
        ids = Counter(fill["client_order_id"] for fill in fills)
        report.slices_filled += len(ids)
        report.slices_filled_twice += sum(1 for n in ids.values() if n > 1)
        items = await processed_items(redis, job_id)
        report.items_redone += len(items) - len(set(items))


async def last_before_end(redis: Redis, job_id: str) -> int:
    """The seq of the job's first terminal event (else its last seq): what every follower
    must have seen. After it can come only a repeat of the ending, when the publish of the
    terminal event was retried (delivery is at least once), which a follower may miss."""
    entries: Any = await redis.xrange(keys.job_events(job_id), min="-", max="+")
    for entry_id, fields in entries:
        if json.loads(fields[keys.EVENT_FIELD])["type"] in TERMINAL:
            return keys.seq_of(str(entry_id))
    return await latest_seq(redis, job_id)


def render(report: Report) -> str:
    plan = PLANS[report.plan]
    return "\n".join(
        [
            "## Soak and chaos",
            "",
            f"`python -m bench.soak{' --short' if report.plan == 'short' else ''}`: "
            f"{plan.jobs} jobs of four types (40% counting, 30% trade, 15% research, 15% "
            f"analysis) started together by {plan.users} users, {plan.clients} Socket.IO "
            "clients over two `jobwire api` instances, two `jobwire worker` processes. "
            f"While they ran, in turn: {'; '.join(report.steps)}. Whole run "
            f"{report.seconds:.0f} s.",
            "",
            table(["what", "count"], report.rows()),
            "",
            "Each client counts what arrived on its raw socket, reordering and dropping "
            "nothing; on every reconnect it names its job and `since` in the connect payload, "
            "and the server holds the job's live events back until its replay is out.",
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="the CI form, a tenth of the size")
    add_docs_option(parser)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="jobwire-soak-") as folder:
        report = await soak("short" if args.short else "full", Path(folder))
    section = render(report)
    for problem in report.problems:
        log.warning("%s", problem)
    write_section("soak", section, args.docs)
    print(section)
    sys.exit(0 if report.clean else 1)


if __name__ == "__main__":
    asyncio.run(main())
