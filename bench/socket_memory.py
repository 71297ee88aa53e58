"""What sockets that never read cost the API, beside idle sockets in the same run.

    python -m bench.socket_memory      # writes the "socket-memory" section of docs/BENCHMARKS.md

An attacker's shape: sockets that subscribe to a job with the largest spec the API accepts,
many times, and never read a byte of what comes back. The API's resident memory is read
before any socket, with as many idle sockets (connected, not subscribed, not reading) as the
subscribers use, with the subscribes sent, and after all of them disconnected.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

from bench.report import add_docs_option, table, write_section
from bench.stack import Stack, bench_stack
from jobwire.auth.tokens import issue_token
from realtime.namespace import RECORD_READS

SUBSCRIBES_PER_SOCKET = 10
"""Under the message budget's default, so no socket is refused or cut for its rate."""
SETTLE_SECONDS = 3.0


@asynccontextmanager
async def raw_client(port: int, token: str) -> AsyncIterator[ClientConnection]:
    """Socket.IO spoken by hand over one WebSocket, connected to ``/jobs``, with a small
    kernel receive buffer: ``ws.transport.pause_reading()`` then makes it a client that reads
    nothing more from its socket, as the server sees it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
    async with connect(url, sock=sock, max_queue=1, ping_interval=None) as ws:
        opened = await ws.recv()
        assert str(opened).startswith("0{"), opened
        await ws.send("40/jobs," + json.dumps({"token": token}))
        while not str(answer := await ws.recv()).startswith("40/jobs,"):
            if str(answer).startswith("44/jobs,"):
                raise ConnectionRefusedError(str(answer))
        yield ws


def largest_spec(max_body_bytes: int) -> dict[str, object]:
    """An analysis job whose inline rows fill the request body as far as the API allows."""
    rows: list[dict[str, object]] = []
    spec: dict[str, object] = {"type": "analysis", "dataset": {"kind": "inline", "rows": rows}}
    row_bytes = len(json.dumps({"close": 1.0, "note": "x" * 40})) + 2
    rows.extend(
        {"close": float(i % 97) + 1.0, "note": "x" * 40}
        for i in range(min(20_000, (max_body_bytes - 200) // row_bytes))
    )
    return spec


def rss_mib(pid: int) -> float:
    return float(psutil.Process(pid).memory_info().rss) / 2**20


async def settled_rss(pid: int) -> float:
    await asyncio.sleep(SETTLE_SECONDS)
    return rss_mib(pid)


async def open_sockets(stack: Stack, sockets: int, exits: AsyncExitStack) -> list[ClientConnection]:
    port = int(stack.api_url.rsplit(":", 1)[1])
    token = issue_token(stack.settings, "bench-sockets")
    return [await exits.enter_async_context(raw_client(port, token)) for _ in range(sockets)]


async def measure(subscribes: int) -> dict[str, float]:
    sockets = max(1, subscribes // SUBSCRIBES_PER_SOCKET)
    async with bench_stack() as stack:
        assert stack.api_pid is not None
        pid = stack.api_pid
        token = issue_token(stack.settings, "bench-sockets")
        spec = largest_spec(stack.settings.max_body_bytes)
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
            response = await http.post(
                "/api/jobs", json=spec, headers={"Authorization": f"Bearer {token}"}
            )
            response.raise_for_status()
            job_id = response.json()["job_id"]
        spec_bytes = len(json.dumps(spec))
        figures = {"spec_kib": spec_bytes / 1024, "before": await settled_rss(pid)}
        async with AsyncExitStack() as exits:
            idle = await open_sockets(stack, sockets, exits)
            for ws in idle:
                ws.transport.pause_reading()
            figures["idle"] = await settled_rss(pid)
            for ws in idle:
                ws.transport.abort()
        figures["idle_closed"] = await settled_rss(pid)
        async with AsyncExitStack() as exits:
            readers = await open_sockets(stack, sockets, exits)
            subscribe = "42/jobs," + json.dumps(["subscribe", {"job_id": job_id}])
            for n, ws in enumerate(readers):
                ws.transport.pause_reading()
                for k in range(SUBSCRIBES_PER_SOCKET):
                    await ws.send(subscribe.replace("42/jobs,", f"42/jobs,{n * 100 + k}", 1))
            figures["subscribed"] = await settled_rss(pid)
            for ws in readers:  # gone at once, as an attacker's client would go
                ws.transport.abort()
        figures["after"] = await settled_rss(pid)
        figures["sockets"] = sockets
        figures["subscribes"] = sockets * SUBSCRIBES_PER_SOCKET
    return figures


def section(f: dict[str, float]) -> str:
    rise_idle = f["idle"] - f["before"]
    rise = f["subscribed"] - f["idle_closed"]
    rows: list[list[object]] = [
        ["API alone", f"{f['before']:.1f}", "—"],
        [f"{f['sockets']:.0f} idle sockets, not reading", f"{f['idle']:.1f}", f"{rise_idle:+.1f}"],
        ["the idle sockets closed", f"{f['idle_closed']:.1f}", "—"],
        [
            f"{f['subscribes']:.0f} subscribes on {f['sockets']:.0f} sockets, never read",
            f"{f['subscribed']:.1f}",
            f"{rise:+.1f}",
        ],
        ["all of them disconnected", f"{f['after']:.1f}", f"{f['after'] - f['idle_closed']:+.1f}"],
    ]
    verdict = "within" if rise - rise_idle < 20 else "over"
    return (
        "## Memory of sockets that never read\n\n"
        f"`python -m bench.socket_memory`: subscribes to one job whose spec is "
        f"{f['spec_kib']:.0f} KiB (the largest request body the API accepts), sent by sockets "
        "that never read, beside as many idle sockets in the same run; the API's RSS, each "
        f"figure {SETTLE_SECONDS:.0f} s after the step.\n\n"
        + table(["step", "API RSS, MiB", "rise, MiB"], rows)
        + f"\n\nThe subscribes cost {rise - rise_idle:+.1f} MiB beyond idle sockets "
        f"({verdict} the 20 MiB target); acks carry no spec unless asked, and what waits "
        "for a client that does not read is bounded (see docs/protocol.md), and a subscribe's "
        "record comes from the job's projection in Redis, read without its spec (a record "
        "read from Temporal, as when the projection is missing, decodes the spec too, "
        f"{RECORD_READS} at a time)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribes", type=int, default=500)
    add_docs_option(parser)
    args = parser.parse_args()
    body = section(asyncio.run(measure(args.subscribes)))
    print(body)
    write_section("socket-memory", body, args.docs)


if __name__ == "__main__":
    main()
