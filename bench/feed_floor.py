"""The floor under the live feed: a bare python-socketio server broadcasting to rooms.

Run by ``bench.feed`` as a process of its own (never by hand): ``python -m bench.feed_floor
PORT JOBS RATE``. Each connection joins the room named by its ``auth`` user; every JOBS room
gets RATE events a second shaped like jobwire's envelopes (RATE 0: none, for the memory of
idle sockets). No Redis, no per-connection queue, no ordering or replay: what the same clients
measure against it is what the library and this machine cost by themselves, so the gap to
jobwire's figure is jobwire's own. It is served as ``jobwire api`` is (uvicorn with the same
WebSocket protocol), so the server's protocol is not part of that gap either.

Each event's ``ts`` is the time it was due on a fixed schedule, not the time its emit began,
and a late room does not wait before the next: jobwire's jobs do not slow down when the API
falls behind, so neither does the floor, and a backlog shows in both sides' latency. (Stamped
just before each emit and followed by a full sleep, an overloaded floor had quietly sent about
half its rate, and its latency left its backlog out.)
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from typing import Any

import socketio
import uvicorn

from jobwire.cli.server.api_command import SOCKET_OPTIONS

NAMESPACE = "/jobs"


def build(jobs: int, rate: float) -> tuple[socketio.AsyncServer, Any]:
    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=[])

    @sio.on("connect", namespace=NAMESPACE)  # type: ignore[untyped-decorator]
    async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any]) -> None:
        await sio.enter_room(sid, str(auth["token"]), namespace=NAMESPACE)

    async def publish(job: int) -> None:
        loop = asyncio.get_running_loop()
        started, started_wall = loop.time(), time.time()
        seq = 0
        while True:
            seq += 1
            due = (seq - 1) / rate
            # A late event goes at once, but still gives the sockets' writers a turn.
            await asyncio.sleep(max(0.0, started + due - loop.time()))
            event = {
                "schema_version": 1,
                "job_id": f"floor-{job}",
                "user_id": f"u{job}",
                "seq": seq,
                "type": "job.progress",
                "ts": datetime.fromtimestamp(started_wall + due, UTC).isoformat(),
                "state": "running",
                "progress": 50.0,
                "step": f"item {seq}",
                "data": {"phase": "count", "done": seq, "total": 20000, "position": str(seq)},
            }
            await sio.emit("job_event", event, room=f"u{job}", namespace=NAMESPACE)

    async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        publishers = range(jobs) if rate > 0 else range(0)  # rate 0: idle sockets only
        tasks = [asyncio.create_task(publish(job)) for job in publishers]
        await send({"type": "lifespan.startup.complete"})
        await receive()
        for task in tasks:
            task.cancel()
        await send({"type": "lifespan.shutdown.complete"})

    sockets = socketio.ASGIApp(sio)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await lifespan(scope, receive, send)
            return
        await sockets(scope, receive, send)

    return sio, app


def main() -> None:
    port, jobs, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    _, app = build(jobs, rate)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", **SOCKET_OPTIONS)


if __name__ == "__main__":
    main()
