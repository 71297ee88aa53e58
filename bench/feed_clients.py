"""The live feed benchmark's Socket.IO clients, in a process of their own.

Run by ``bench.feed`` (never by hand), usually as two processes each holding half of the
clients: it reads its orders as one JSON object on stdin, connects its share of the clients
(each in its user's room and, unless told otherwise, subscribed to one job), prints
``ready``, records what arrives between the ``start`` and ``stop`` lines, then prints one
JSON object with what each client received.

The clients must cost little, or they are what the benchmark measures: with python-socketio's
own client, 1000 of them took 60% of a core, an event loop task per message and three layers
of decoding. So each client speaks Socket.IO's text frames by hand over one aiohttp WebSocket
(its frame reader is compiled), and while recording it keeps only each frame and the time it
arrived: decoding, the seq check and the latency rows wait until ``stop``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

NAMESPACE = "/jobs,"
EVENT = '42/jobs,["job_event",'
RESYNC = '42/jobs,["resync",'
PING, PONG = "2", "3"
BATCH = 50
"""Clients connecting at once: the server's handshakes, not the clients, set the pace."""
CONNECT_SECONDS = 600.0
"""One client's handshake and subscribe ack at most: today's server reads the record from a
Temporal query, two at a time, which on a loaded machine takes seconds each."""


@dataclass
class SeqChecker:
    """Counts what a client should never see: an event twice, or a hole in a job's ``seq``."""

    last: dict[str, int] = field(default_factory=dict)
    repeated: int = 0
    gaps: int = 0

    def see(self, job_id: str, seq: int) -> None:
        previous = self.last.get(job_id)
        if previous is not None and seq <= previous:
            self.repeated += 1
            return
        if previous is not None and seq != previous + 1:
            self.gaps += 1
        self.last[job_id] = seq


@dataclass
class Received:
    """One client's events: per event its job id, seq, the sender's ``ts`` and the wall time
    it arrived (recorded ones only), and the order check over all it saw."""

    rows: list[tuple[str, int, str, float]] = field(default_factory=list)
    frames: list[tuple[float, str]] = field(default_factory=list)
    recording: bool = False
    order: SeqChecker = field(default_factory=SeqChecker)
    resyncs: int = 0

    def on_frame(self, frame: str) -> None:
        if self.recording:
            self.frames.append((time.time(), frame))
        else:
            self.decode(frame, None)

    def stop_recording(self) -> None:
        """Decodes what was kept raw, in arrival order, before any later frame is seen."""
        self.recording = False
        for arrived, frame in self.frames:
            self.decode(frame, arrived)
        self.frames.clear()

    def decode(self, frame: str, arrived: float | None) -> None:
        if frame.startswith(RESYNC):
            self.resyncs += 1
        if not frame.startswith(EVENT):
            return
        event = json.loads(frame[len("42" + NAMESPACE) :])[1]
        job_id, seq = str(event["job_id"]), int(event["seq"])
        self.order.see(job_id, seq)
        if arrived is not None:
            self.rows.append((job_id, seq, str(event["ts"]), arrived))


async def next_frame(ws: aiohttp.ClientWebSocketResponse) -> str:
    message = await ws.receive()
    if message.type is not aiohttp.WSMsgType.TEXT:
        raise ConnectionError(f"the server ended the socket: {message.type.name} {message.data}")
    return str(message.data)


async def answer(ws: aiohttp.ClientWebSocketResponse, prefix: str, received: Received) -> str:
    """The frame that starts with ``prefix``; anything before it is handled as usual."""
    while True:
        frame = await next_frame(ws)
        if frame.startswith(prefix):
            return frame
        if frame.startswith("44/jobs,"):
            raise ConnectionRefusedError(frame)
        await handle(ws, frame, received)


async def handle(ws: aiohttp.ClientWebSocketResponse, frame: str, received: Received) -> None:
    if frame == PING:
        await ws.send_str(PONG)
    else:
        received.on_frame(frame)


async def read(ws: aiohttp.ClientWebSocketResponse, received: Received) -> None:
    async for message in ws:
        if message.type is aiohttp.WSMsgType.TEXT:
            await handle(ws, message.data, received)


async def connect(
    session: aiohttp.ClientSession, orders: dict[str, Any], index: int, received: Received
) -> tuple[aiohttp.ClientWebSocketResponse, asyncio.Task[None]]:
    """Client ``index``: the Engine.IO handshake, the namespace with the token, and the
    subscribe with its ack, as ``socketio.AsyncClient`` would send them."""
    url = orders["url"].replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    token = orders["tokens"][index % len(orders["tokens"])]
    job_id = orders["job_ids"][index % len(orders["job_ids"])]
    async with asyncio.timeout(CONNECT_SECONDS):
        ws = await handshake(session, url, token, job_id, received, orders.get("subscribe", True))
    return ws, asyncio.create_task(read(ws, received))


async def handshake(
    session: aiohttp.ClientSession,
    url: str,
    token: str,
    job_id: str,
    received: Received,
    subscribe: bool,
) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(url, max_msg_size=0)
    if not (await next_frame(ws)).startswith("0{"):
        raise ConnectionError("no Engine.IO handshake")
    await ws.send_str("40" + NAMESPACE + json.dumps({"token": token}))
    await answer(ws, "40" + NAMESPACE, received)
    if subscribe:
        await ws.send_str("42" + NAMESPACE + "0" + json.dumps(["subscribe", {"job_id": job_id}]))
        acked = "43" + NAMESPACE + "0"
        ack = json.loads((await answer(ws, acked, received))[len(acked) :])[0]
        if not ack.get("ok"):
            raise RuntimeError(f"subscribe refused: {ack}")
    return ws


async def main() -> None:
    orders = json.loads(sys.stdin.readline())
    first, count = int(orders["first"]), int(orders["clients"])
    receivers = [Received() for _ in range(count)]
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        sockets: list[tuple[aiohttp.ClientWebSocketResponse, asyncio.Task[None]]] = []
        for start in range(0, count, BATCH):
            sockets += await asyncio.gather(
                *(
                    connect(session, orders, first + i, receivers[i])
                    for i in range(start, min(count, start + BATCH))
                )
            )
        print("ready", flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)  # "start"
        for receiver in receivers:
            receiver.recording = True
        await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
        for receiver in receivers:
            receiver.stop_recording()
        await asyncio.gather(*(ws.close() for ws, _ in sockets))
        await asyncio.gather(*(reader for _, reader in sockets))
    result = {
        "rows": [row for receiver in receivers for row in receiver.rows],
        "repeated": sum(receiver.order.repeated for receiver in receivers),
        "gaps": sum(receiver.order.gaps for receiver in receivers),
        "resyncs": sum(receiver.resyncs for receiver in receivers),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
