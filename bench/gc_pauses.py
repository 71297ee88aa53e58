"""The garbage collector's pauses in the API while 1000 Socket.IO clients connect, with its
start-up objects frozen (as ``jobwire api`` runs) and without, in alternated rounds.

    python -m bench.gc_pauses      # writes the "gc-pauses" section of docs/BENCHMARKS.md

The API runs in this process (uvicorn with ``jobwire api``'s socket options), so the
collector's own callbacks time each collection; the clients run in processes of their own.
Between rounds the frozen objects are unfrozen (``gc.unfreeze``), so both sides run in the
same process on the same objects.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn

from api.app import asgi_app
from bench.feed_rounds import ClientProcesses, wait_for_port
from bench.report import add_docs_option, table, write_section
from bench.stack import stack_settings
from bench.support.counting import counting_registry
from bench.support.throwaway import throwaway_servers
from jobwire.auth.tokens import issue_token
from jobwire.cli.devstack.ports import free_port
from jobwire.cli.server.api_command import SOCKET_OPTIONS
from jobwire.cli.server.long_lived import freeze_startup_objects
from jobwire.connections.services import Services
from jobwire.settings import Settings

USERS = 50


class Pauses:
    """Each collection's generation and duration, from the collector's callbacks."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seen.append((int(info["generation"]), time.perf_counter() - self._started))

    def of(self, generation: int) -> list[float]:
        return [seconds for gen, seconds in self.seen if gen == generation]


@asynccontextmanager
async def served_api(root: Path) -> AsyncIterator[tuple[str, Settings]]:
    async with throwaway_servers(root) as (temporal, redis):
        settings = stack_settings(temporal, redis, root)
        services = await Services.connect(settings)
        app = asgi_app(settings, services=services, registry=counting_registry())
        port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", **SOCKET_OPTIONS
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        try:
            await wait_for_port(port)
            yield f"http://127.0.0.1:{port}", settings
        finally:
            server.should_exit = True
            await task
            await services.aclose()


async def one_round(orders: dict[str, Any], clients: int, frozen: bool) -> Pauses:
    gc.unfreeze()
    if frozen:
        freeze_startup_objects()
    pauses = Pauses()
    gc.callbacks.append(pauses)
    try:
        connected = await ClientProcesses.connect(orders, clients, 2)
        await asyncio.sleep(2)
        await connected.record()
        await connected.finish()
    finally:
        gc.callbacks.remove(pauses)
    return pauses


async def run(clients: int, rounds: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        async with served_api(Path(tmp)) as (url, settings):
            orders = {
                "url": url,
                "job_ids": [f"job-{uuid.uuid4()}" for _ in range(USERS)],
                "tokens": [issue_token(settings, f"gc{user}") for user in range(USERS)],
                "subscribe": False,
            }
            sides: dict[bool, list[Pauses]] = {False: [], True: []}
            for number in range(rounds * 2):
                frozen = number % 2 == 1
                sides[frozen].append(await one_round(orders, clients, frozen))
            gc.unfreeze()
    return section(sides, clients, rounds)


def section(sides: dict[bool, list[Pauses]], clients: int, rounds: int) -> str:
    rows: list[list[object]] = []
    for frozen, label in ((False, "as before"), (True, "start-up objects frozen")):
        for generation in (0, 1, 2):
            each = [pauses.of(generation) for pauses in sides[frozen]]
            flat = [seconds for found in each for seconds in found]
            rows.append(
                [
                    label,
                    generation,
                    round(len(flat) / rounds, 1),
                    round(max(flat, default=0.0) * 1000, 1),
                    round(sum(flat) / rounds * 1000),
                ]
            )
    header = ["API", "generation", "collections per round", "longest ms", "total ms per round"]
    return "\n".join(
        [
            "## Garbage collector pauses",
            "",
            f"`python -m bench.gc_pauses`: {clients} Socket.IO clients connect to the API (in "
            "the benchmark's process, served as `jobwire api` serves it), stay 2 s and leave; "
            f"{rounds} rounds with the start-up objects frozen (`gc.freeze` after a collection, "
            "as `jobwire api` and `jobwire worker` do) alternated with as many without. A "
            "collection stops every request and socket event of the process while it runs.",
            "",
            table(header, rows),
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each side")
    add_docs_option(parser)
    args = parser.parse_args()
    write_section("gc-pauses", await run(args.clients, args.rounds), args.docs)


if __name__ == "__main__":
    asyncio.run(main())
