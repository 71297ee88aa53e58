"""``jobwire worker``: one worker process against the configured Temporal and Redis."""

from __future__ import annotations

import asyncio
import signal

from jobwire.logs import configure_logging
from jobwire.observability import tracing
from jobwire.settings import Settings


def worker() -> None:
    """Run JobWorkflow and every job type's activities until SIGINT or SIGTERM."""
    from jobwire.contract.registry import job_types

    settings = Settings()
    configure_logging(settings)
    tracing.configure(settings, "jobwire-worker")
    job_types.load(settings.job_type_modules)
    asyncio.run(_serve(settings))


async def _serve(settings: Settings) -> None:
    from jobwire.cli.server.worker import run_worker  # the SDK's worker, paid only by this command

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_worker(settings, stop)
