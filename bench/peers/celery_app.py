"""The Celery peer: one app whose worker runs the counting task, configured from the
environment the harness sets (run by the harness, never by hand):

    celery -A bench.peers.celery_app worker

The task reports progress the way Celery's docs show it, ``self.update_state(state=
"PROGRESS", meta=...)``, and a client reads it by polling ``AsyncResult``. Everything else is
Celery's defaults — acknowledgement on receipt, so a killed worker takes its task with it —
unless ``BENCH_CELERY_ACKS_LATE`` asks for late acknowledgement, when the Redis transport hands
an unacknowledged task to another worker once its visibility timeout has passed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.signals import worker_ready
from redis import Redis

from bench.peers.shape import processed_key

TASK = "bench.count"
IDLE_QUEUE = "bench-nobody"
"""A queue no worker consumes: what a submission costs without the job running."""
BROKER_DB = 1
"""Broker and result backend live in their own Redis database, beside the processed lists."""


def make_app(
    redis_url: str, *, acks_late: bool = False, visibility_timeout: float = 3600
) -> Celery:
    """The app as the worker and the client both configure it."""
    broker = redis_url.rsplit("/", 1)[0] + f"/{BROKER_DB}"
    app = Celery("bench_peers", broker=broker, backend=broker)
    app.conf.update(
        task_acks_late=acks_late,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            # Sweep for unacknowledged tasks every second, not every 100 s, so the late-ack
            # run shows the visibility timeout itself.
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
    )
    return app


REDIS_URL = os.environ.get("BENCH_CELERY_REDIS_URL", "redis://127.0.0.1:6379/0")
READY_FILE = os.environ.get("BENCH_CELERY_READY_FILE")
app = make_app(
    REDIS_URL,
    acks_late=os.environ.get("BENCH_CELERY_ACKS_LATE") == "1",
    visibility_timeout=float(os.environ.get("BENCH_CELERY_VISIBILITY_TIMEOUT", "3600")),
)
_redis: Redis | None = None


def processed_log() -> Redis:
    global _redis
    if _redis is None:
        _redis = Redis.from_url(REDIS_URL)
    return _redis


@app.task(bind=True, name=TASK)  # type: ignore[untyped-decorator]
def count(self: Task, items: int, item_seconds: float) -> int:
    """Counts ``items``; running it twice counts every item again (it keeps no checkpoint)."""
    job_id = str(self.request.id)
    for item in range(items):
        time.sleep(item_seconds)
        processed_log().rpush(processed_key(job_id), item)
        meta = {"done": item + 1, "total": items, "ts": time.time(), "pid": os.getpid()}
        self.update_state(state="PROGRESS", meta=meta)
    return items


@worker_ready.connect  # type: ignore[untyped-decorator]
def _announce_ready(**_: Any) -> None:
    if READY_FILE:
        Path(READY_FILE).write_text(str(os.getpid()))
