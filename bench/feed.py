"""Live feed latency: an activity's publish to a Socket.IO client's receipt, beside polling.

    python -m bench.feed                       # 1, 100 and 1000 clients; writes docs section
    python -m bench.feed --clients 1,100 --seconds 5

50 counting jobs run on a real worker, each publishing about 10 progress events a second.
Clients (in this process) are spread over the 50 jobs' users: each is in its user's room and
subscribed to that user's job. Latency is receipt time minus the event's ``ts``, stamped in
the worker just before the publish. The baseline in the same run polls
``GET /api/jobs/{id}`` once a second per job and reports how old the progress it shows is.
Memory per client is the API process's RSS growth divided by the clients connected.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

import httpx
import psutil
import socketio

from bench.report import table, write_section
from bench.stack import Stack, bench_stack, percentiles
from jobwire.auth.tokens import issue_token

JOBS = 50


class Receiver:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.counting = False

    def on_event(self, data: dict[str, object]) -> None:
        if not self.counting:
            return
        sent = datetime.fromisoformat(str(data["ts"]))
        self.latencies.append((datetime.now(UTC) - sent).total_seconds())


async def connect_clients(
    stack: Stack, count: int, job_ids: list[str], receiver: Receiver
) -> list[socketio.AsyncClient]:
    clients: list[socketio.AsyncClient] = []

    async def one(index: int) -> None:
        user = index % JOBS
        client = socketio.AsyncClient(reconnection=False)
        client.on("job_event", receiver.on_event, namespace="/jobs")
        await client.connect(
            stack.api_url,
            auth={"token": issue_token(stack.settings, f"u{user}")},
            namespaces=["/jobs"],
            transports=["websocket"],
            wait_timeout=60,
        )
        await client.call("subscribe", {"job_id": job_ids[user]}, namespace="/jobs", timeout=60)
        clients.append(client)

    for start in range(0, count, 50):
        await asyncio.gather(*(one(i) for i in range(start, min(count, start + 50))))
    return clients


async def poll_baseline(stack: Stack, job_ids: list[str], seconds: float) -> list[float]:
    ages: list[float] = []

    async def poll(user: int, job_id: str) -> None:
        headers = {"Authorization": f"Bearer {issue_token(stack.settings, f'u{user}')}"}
        async with httpx.AsyncClient(base_url=stack.api_url, headers=headers, timeout=30) as http:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                record = (await http.get(f"/api/jobs/{job_id}")).json()
                updated = datetime.fromisoformat(record["updated_at"])
                ages.append((datetime.now(UTC) - updated).total_seconds())
                await asyncio.sleep(1.0)

    await asyncio.gather(*(poll(u, job) for u, job in enumerate(job_ids)))
    return ages


async def run(stack: Stack, levels: list[int], seconds: float) -> str:
    job_ids: list[str] = []
    for user in range(JOBS):
        token = issue_token(stack.settings, f"u{user}")
        async with httpx.AsyncClient(
            base_url=stack.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            spec = {"type": "count", "items": 20_000, "item_seconds": 0.1}
            job_ids.append((await http.post("/api/jobs", json=spec)).json()["job_id"])
    await asyncio.sleep(5)  # every job running and publishing
    api = psutil.Process(stack.api_pid)
    rows: list[list[object]] = []
    for count in levels:
        receiver = Receiver()
        rss_before = api.memory_info().rss
        clients = await connect_clients(stack, count, job_ids, receiver)
        rss_after = api.memory_info().rss
        receiver.counting = True
        baseline = await poll_baseline(stack, job_ids, seconds)
        receiver.counting = False
        live, polled = percentiles(receiver.latencies), percentiles(baseline)
        rows.append(
            [
                count,
                len(receiver.latencies),
                live["p50"],
                live["p99"],
                polled["p50"],
                polled["p99"],
                f"{max(0, rss_after - rss_before) / count / 1024:.0f} KiB",
            ]
        )
        await asyncio.gather(*(client.disconnect() for client in clients))
    header = [
        "clients",
        "events received",
        "feed p50 ms",
        "feed p99 ms",
        "polling: age p50 ms",
        "polling: age p99 ms",
        "API memory per client",
    ]
    return "\n".join(
        [
            "## Live feed",
            "",
            f"`python -m bench.feed`: {JOBS} counting jobs on one `jobwire worker`, about 10 "
            "events a second each, one `jobwire api`, clients in the benchmark process "
            f"(measured for {seconds:.0f} s per level). Baseline: polling `GET /api/jobs/{{id}}` "
            "once a second per job, in the same run; its figure is how old the progress shown is.",
            "",
            table(header, rows),
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", default="1,100,1000")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    levels = [int(level) for level in args.clients.split(",")]
    async with bench_stack(progress_event_seconds=0.1) as stack:
        section = await run(stack, levels, args.seconds)
    write_section("feed", section)
    print(section)


if __name__ == "__main__":
    asyncio.run(main())
