"""The live feed benchmark's Socket.IO clients, in a process of their own.

Run by ``bench.feed`` (never by hand): it reads its orders as one JSON object on stdin,
connects every client (each in its user's room and subscribed to one job), prints ``ready``,
records every ``job_event`` it receives until it reads ``stop``, then prints one JSON object
with what each client received. A separate process keeps the clients' own decoding cost out
of the API's and the measuring process's event loop, as the design's reference figure did.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import socketio


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
    """Per event: job id, seq, the worker's ``ts`` and the wall time it arrived."""

    rows: list[tuple[str, int, str, float]] = field(default_factory=list)
    recording: bool = False
    order: SeqChecker = field(default_factory=SeqChecker)

    def on_event(self, data: dict[str, Any]) -> None:
        arrived = time.time()
        job_id, seq = str(data["job_id"]), int(data["seq"])
        self.order.see(job_id, seq)
        if self.recording:
            self.rows.append((job_id, seq, str(data["ts"]), arrived))


async def connect(
    url: str, token: str, job_id: str, received: Received, *, subscribe: bool
) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    client.on("job_event", received.on_event, namespace="/jobs")
    await client.connect(
        url,
        auth={"token": token},
        namespaces=["/jobs"],
        transports=["websocket"],
        wait_timeout=120,
    )
    if subscribe:
        ack = await client.call("subscribe", {"job_id": job_id}, namespace="/jobs", timeout=120)
        if not ack.get("ok"):
            raise RuntimeError(f"subscribe refused: {ack}")
    return client


async def main() -> None:
    orders = json.loads(sys.stdin.readline())
    url, tokens, job_ids = orders["url"], orders["tokens"], orders["job_ids"]
    count = int(orders["clients"])
    receivers = [Received() for _ in range(count)]
    clients: list[socketio.AsyncClient] = []
    for start in range(0, count, 50):
        batch = range(start, min(count, start + 50))
        clients += await asyncio.gather(
            *(
                connect(
                    url,
                    tokens[i % len(tokens)],
                    job_ids[i % len(job_ids)],
                    receivers[i],
                    subscribe=orders.get("subscribe", True),
                )
                for i in batch
            )
        )
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "start"
    for receiver in receivers:
        receiver.recording = True
    await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
    for receiver in receivers:
        receiver.recording = False
    await asyncio.gather(*(client.disconnect() for client in clients))
    result = {
        "rows": [row for receiver in receivers for row in receiver.rows],
        "repeated": sum(receiver.order.repeated for receiver in receivers),
        "gaps": sum(receiver.order.gaps for receiver in receivers),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
