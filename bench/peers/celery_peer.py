"""(a) The Celery peer, as its users write the client: ``send_task`` to submit, and a loop
that polls ``AsyncResult.state`` and ``.info`` for the ``PROGRESS`` meta."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery.result import AsyncResult
from redis.asyncio import Redis

from bench.peers.celery_app import IDLE_QUEUE, TASK, make_app
from bench.peers.measure import Peer
from bench.peers.shape import JobShape, Watched, processed
from bench.peers.workers import kill_group


class CeleryPeer(Peer):
    """Celery's client calls block, so each runs on a thread of the peer's own pool."""

    def __init__(
        self, redis_url: str, redis: Redis, poll: float, *, name: str, acks_late: bool = False
    ) -> None:
        self.name = name
        self.app = make_app(redis_url, acks_late=acks_late)
        self.redis = redis
        self.poll = poll
        self.threads = ThreadPoolExecutor(max_workers=64, thread_name_prefix="celery-client")

    def close(self) -> None:
        self.threads.shutdown(wait=True)
        self.app.close()

    async def _run(self, call: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.threads, call, *args)

    def _send(self, shape: JobShape, queue: str | None) -> str:
        options = {"queue": queue} if queue else {}
        result = self.app.send_task(TASK, args=[shape.items, shape.item_seconds], **options)
        return str(result.id)

    async def start_job(self, shape: JobShape) -> str:
        job_id: str = await self._run(self._send, shape, None)
        return job_id

    async def submit_idle(self, shape: JobShape) -> None:
        await self._run(self._send, shape, IDLE_QUEUE)

    async def watch(self, job_id: str, watched: Watched, deadline: float) -> None:
        await self._run(self._poll, job_id, watched, deadline)

    def _poll(self, job_id: str, watched: Watched, deadline: float) -> None:
        result = AsyncResult(job_id, app=self.app)
        while time.monotonic() < deadline:
            state, info = result.state, result.info
            if state == "PROGRESS" and isinstance(info, dict):
                watched.saw(int(info["done"]), float(info["ts"]), time.time())
            elif state == "SUCCESS":
                watched.finished = True
                return
            time.sleep(self.poll)

    async def finished(self, job_id: str) -> tuple[bool, str]:
        state = await self._run(lambda: AsyncResult(job_id, app=self.app).state)
        return state == "SUCCESS", str(state)

    async def kill_worker(self, job_id: str) -> None:
        info = await self._run(lambda: AsyncResult(job_id, app=self.app).info)
        if not isinstance(info, dict) or "pid" not in info:
            raise RuntimeError(f"{job_id} reports no worker pid: {info!r}")
        kill_group(int(info["pid"]))

    async def processed(self, job_id: str) -> list[int]:
        return await processed(self.redis, job_id)
