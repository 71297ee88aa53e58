"""``SyncJobwireClient``: the async client for scripts without an event loop.

It runs one event loop in a background thread (anyio's blocking portal) and forwards each
call to ``JobwireClient``, so both share one implementation and one connection pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from functools import partial
from types import TracebackType
from typing import Any, Self

from anyio.from_thread import BlockingPortal, start_blocking_portal

from jobwire.client.config import ClientSettings
from jobwire.client.http import JobwireClient, SpecLike
from jobwire.client.models import (
    EventPage,
    JobPage,
    JobStats,
    JobTypeInfo,
    ServerMeta,
    Submission,
)
from jobwire.client.watch import JobWatch
from jobwire.contract.events import JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState


class SyncJobwireClient:
    """Blocking twin of ``JobwireClient``; close it (or use ``with``) to stop its thread."""

    def __init__(self, base_url: str, token: str | None = None, **kwargs: Any) -> None:
        self._portal_cm: AbstractContextManager[BlockingPortal] = start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self._client: JobwireClient = self._portal.call(
            lambda: _make_client(base_url, token, kwargs)
        )

    @classmethod
    def from_settings(cls, settings: ClientSettings, **kwargs: Any) -> SyncJobwireClient:
        return cls(
            settings.url,
            settings.token_value,
            timeout=settings.timeout,
            socket_transports=settings.socket_transports,
            **kwargs,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._portal.call(self._client.aclose)
        self._portal_cm.__exit__(None, None, None)

    def submit(self, spec: SpecLike, *, idempotency_key: str | None = None) -> JobRecord:
        return self._portal.call(lambda: self._client.submit(spec, idempotency_key=idempotency_key))

    def submission(self, spec: SpecLike, *, idempotency_key: str | None = None) -> Submission:
        return self._portal.call(
            lambda: self._client.submission(spec, idempotency_key=idempotency_key)
        )

    def list_jobs(
        self,
        *,
        state: JobState | str | None = None,
        type: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> JobPage:
        return self._portal.call(
            lambda: self._client.list_jobs(state=state, type=type, limit=limit, cursor=cursor)
        )

    def get_job(self, job_id: str) -> JobRecord:
        return self._portal.call(self._client.get_job, job_id)

    def pause(self, job_id: str) -> JobRecord:
        return self._portal.call(self._client.pause, job_id)

    def resume(self, job_id: str) -> JobRecord:
        return self._portal.call(self._client.resume, job_id)

    def cancel(self, job_id: str) -> JobRecord:
        return self._portal.call(self._client.cancel, job_id)

    def restart(self, job_id: str, spec: SpecLike | None = None) -> JobRecord:
        return self._portal.call(self._client.restart, job_id, spec)

    def fork(
        self,
        job_id: str,
        from_phase: str,
        *,
        spec: dict[str, Any] | None = None,
        from_checkpoint: bool = False,
    ) -> JobRecord:
        return self._portal.call(
            partial(self._client.fork, spec=spec, from_checkpoint=from_checkpoint),
            job_id,
            from_phase,
        )

    def events(self, job_id: str, since: int = 0) -> EventPage:
        return self._portal.call(self._client.events, job_id, since)

    def stats(self) -> JobStats:
        return self._portal.call(self._client.stats)

    def job_types(self) -> list[JobTypeInfo]:
        return self._portal.call(self._client.job_types)

    def meta(self) -> ServerMeta:
        return self._portal.call(self._client.meta)

    def watch(
        self, *job_ids: str, since: int | None = 0, follow_active: bool = False
    ) -> Iterator[JobEvent]:
        """Blocks between events; ends when every job has finished (see ``JobwireClient.watch``)."""
        watch = self._portal.call(lambda: _make_watch(self._client, job_ids, since, follow_active))
        try:
            while True:
                try:
                    yield self._portal.call(watch.__anext__)
                except StopAsyncIteration:
                    return
        finally:
            self._portal.call(watch.aclose)


async def _make_client(base_url: str, token: str | None, kwargs: dict[str, Any]) -> JobwireClient:
    return JobwireClient(base_url, token, **kwargs)


async def _make_watch(
    client: JobwireClient, job_ids: tuple[str, ...], since: int | None, follow_active: bool
) -> JobWatch:
    return client.watch(*job_ids, since=since, follow_active=follow_active)
