"""``JobwireClient``: one typed async method per REST call, plus ``watch`` for the live feed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import BaseModel, TypeAdapter

from jobwire.client.backoff import Backoff
from jobwire.client.config import ClientSettings
from jobwire.client.errors import ServerUnreachable, error_for, problem_from_response
from jobwire.client.feed import FeedConnector, SocketIOConnector
from jobwire.client.models import (
    EventPage,
    JobPage,
    JobStats,
    JobTypeInfo,
    ServerMeta,
    Submission,
)
from jobwire.client.watch import JobWatch
from jobwire.contract.bulk import BulkByFilter, BulkByIds, BulkRequest, BulkResult
from jobwire.contract.filters import JobFilter
from jobwire.contract.records import JobRecord, JobSummary, StaleJobs
from jobwire.contract.specs import JobInput
from jobwire.contract.states import JobAction, JobState

SpecLike = JobInput | Mapping[str, Any]
_JOB_TYPES = TypeAdapter(list[JobTypeInfo])
ACTIVE_STATES = (JobState.CREATED, JobState.RUNNING, JobState.PAUSED)


def spec_payload(spec: SpecLike) -> dict[str, Any]:
    if isinstance(spec, BaseModel):
        return spec.model_dump(mode="json")
    return dict(spec)


class JobwireClient:
    """Async client for one jobwire server and one user (the token's ``sub``).

    Use as ``async with JobwireClient(url, token) as client: ...``; pass ``transport`` (an httpx
    transport) or ``feed`` (a ``FeedConnector``) to test without a server.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        feed: FeedConnector | None = None,
        socket_transports: list[str] | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )
        self._feed = feed or SocketIOConnector(
            self.base_url, token, transports=socket_transports, timeout=timeout
        )
        self._backoff = backoff or Backoff()

    @classmethod
    def from_settings(cls, settings: ClientSettings, **kwargs: Any) -> JobwireClient:
        return cls(
            settings.url,
            settings.token_value,
            timeout=settings.timeout,
            socket_transports=settings.socket_transports,
            **kwargs,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- plumbing ---------------------------------------------------------------------------

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._send(method, path, **kwargs)
        if not response.content:
            return None
        return response.json()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The API's answer, or the error its problem details name."""
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"cannot reach {self.base_url}: {exc}") from exc
        if response.is_error:
            retry_after = response.headers.get("Retry-After")
            raise error_for(
                problem_from_response(response),
                float(retry_after) if retry_after and retry_after.isdigit() else None,
            )
        return response

    # -- jobs -------------------------------------------------------------------------------

    async def submit(self, spec: SpecLike, *, idempotency_key: str | None = None) -> JobRecord:
        """Starts a job; a repeated ``idempotency_key`` returns the job it started before."""
        return (await self.submission(spec, idempotency_key=idempotency_key)).job

    async def submission(self, spec: SpecLike, *, idempotency_key: str | None = None) -> Submission:
        """``submit``, saying whether the job is new or an earlier submission's under the same
        ``idempotency_key`` (the API's 200 with ``Idempotent-Replayed``, against 201)."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        response = await self._send("POST", "/api/jobs", json=spec_payload(spec), headers=headers)
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        return Submission(JobRecord.model_validate(response.json()), replayed=replayed)

    async def list_jobs(
        self,
        *,
        state: JobState | str | None = None,
        type: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        job_filter: JobFilter | None = None,
    ) -> JobPage:
        """One page of the caller's jobs, newest first; pass ``next_cursor`` for the next.
        ``job_filter`` narrows it by tags, name prefix and start time as well."""
        params = filter_params(job_filter) + [
            (key, str(value))
            for key, value in (
                ("state", state),
                ("type", type),
                ("limit", limit),
                ("cursor", cursor),
            )
            if value is not None
        ]
        return JobPage.model_validate(await self._request("GET", "/api/jobs", params=params))

    async def bulk(
        self,
        action: JobAction | str,
        *,
        ids: list[str] | None = None,
        job_filter: JobFilter | None = None,
        reason: str | None = None,
    ) -> BulkResult:
        """One action on the jobs named by ``ids`` or matched by ``job_filter``, answered per
        job (done, not allowed, not found)."""
        request: BulkRequest = (
            BulkByIds(action=JobAction(action), ids=ids or [], reason=reason)
            if job_filter is None
            else BulkByFilter(action=JobAction(action), filter=job_filter, reason=reason)
        )
        body = request.model_dump(mode="json", exclude_none=True)
        return BulkResult.model_validate(
            await self._request("POST", "/api/jobs/actions", json=body)
        )

    async def iter_jobs(
        self,
        *,
        state: JobState | str | None = None,
        type: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[JobSummary]:
        """Every matching job's summary, following cursors page by page."""
        cursor: str | None = None
        while True:
            page = await self.list_jobs(state=state, type=type, limit=page_size, cursor=cursor)
            for item in page.items:
                yield item
            if not page.next_cursor or not page.items:
                return
            cursor = page.next_cursor

    async def active_jobs(self) -> list[JobSummary]:
        """The caller's jobs that are not finished (created, running, paused)."""
        found: list[JobSummary] = []
        for state in ACTIVE_STATES:
            found.extend([job async for job in self.iter_jobs(state=state)])
        return found

    async def stale_jobs(self, older_than: float | None = None) -> StaleJobs:
        """Running jobs whose phase has not heartbeated for ``older_than`` seconds (the
        server's threshold when None), most silent first."""
        params = {"older_than": older_than} if older_than is not None else {}
        return StaleJobs.model_validate(
            await self._request("GET", "/api/jobs/stale", params=params)
        )

    async def get_job(self, job_id: str) -> JobRecord:
        return JobRecord.model_validate(await self._request("GET", f"/api/jobs/{job_id}"))

    async def _control(self, job_id: str, action: str, body: Any = None) -> JobRecord:
        kwargs = {"json": body} if body is not None else {}
        data = await self._request("POST", f"/api/jobs/{job_id}/{action}", **kwargs)
        return JobRecord.model_validate(data)

    async def pause(self, job_id: str, reason: str | None = None) -> JobRecord:
        """Asks the job to stop at its next checkpoint; ``Conflict`` where not allowed.
        ``reason`` is kept with the caller in the job's history and events."""
        return await self._control(job_id, "pause", _reason_body(reason))

    async def resume(self, job_id: str, reason: str | None = None) -> JobRecord:
        """Continues a paused (or failed, checkpointed) job from its last checkpoint."""
        return await self._control(job_id, "resume", _reason_body(reason))

    async def cancel(self, job_id: str, reason: str | None = None) -> JobRecord:
        return await self._control(job_id, "cancel", _reason_body(reason))

    async def restart(
        self, job_id: str, spec: SpecLike | None = None, reason: str | None = None
    ) -> JobRecord:
        """Starts a fresh run from the original spec, or from ``spec``; returns the new job."""
        body: dict[str, Any] = _reason_body(reason) or {}
        if spec is not None:
            body["spec"] = spec_payload(spec)
        return await self._control(job_id, "restart", body or None)

    async def fork(
        self,
        job_id: str,
        from_phase: str,
        *,
        spec: dict[str, Any] | None = None,
        from_checkpoint: bool = False,
    ) -> JobRecord:
        """Starts a new job that reuses the ended job's outputs of the phases before
        ``from_phase``; ``spec`` is a JSON Merge Patch over the source's spec."""
        body: dict[str, Any] = {"from_phase": from_phase, "from_checkpoint": from_checkpoint}
        if spec is not None:
            body["spec"] = spec
        return await self._control(job_id, "fork", body)

    async def delete(self, job_id: str, *, force: bool = False) -> None:
        """Removes an ended job for good; ``force`` cancels a running one first."""
        params = {"force": "true"} if force else {}
        await self._request("DELETE", f"/api/jobs/{job_id}", params=params)

    async def events(self, job_id: str, since: int = 0) -> EventPage:
        """The job's events after ``since``, as the socket sends them."""
        data = await self._request("GET", f"/api/jobs/{job_id}/events", params={"since": since})
        return EventPage.model_validate(data)

    async def stats(self) -> JobStats:
        return JobStats.model_validate(await self._request("GET", "/api/jobs/stats"))

    # -- server -----------------------------------------------------------------------------

    async def job_types(self) -> list[JobTypeInfo]:
        return _JOB_TYPES.validate_python(await self._request("GET", "/api/job-types"))

    async def job_spec_schema(self) -> dict[str, Any]:
        data: dict[str, Any] = await self._request("GET", "/api/schema/job-spec")
        return data

    async def meta(self) -> ServerMeta:
        return ServerMeta.model_validate(await self._request("GET", "/api/meta"))

    async def ready(self) -> dict[str, Any]:
        """``/readyz``: raises ``ApiError`` (503) when Temporal or Redis is not ready."""
        data: dict[str, Any] = await self._request("GET", "/readyz") or {}
        return data

    # -- live feed --------------------------------------------------------------------------

    def watch(
        self,
        *job_ids: str,
        since: int | None = 0,
        follow_active: bool = False,
        until_done: bool = True,
        token_provider: Callable[[], Awaitable[str]] | None = None,
    ) -> JobWatch:
        """An async iterator of the jobs' events, each once, in ``seq`` order per job.

        ``since=0`` replays each job from its first event; ``None`` starts at the live edge.
        With ``follow_active`` (the default when no ids are given) the watch also takes in
        the user's other unfinished jobs, on connect and after every reconnect, and events
        of new jobs from the user's room. It ends when every watched job has finished, unless
        ``until_done`` is false or it follows the user's jobs.
        """
        follow = follow_active or not job_ids
        feed = self._feed
        if token_provider is not None and isinstance(feed, SocketIOConnector):
            feed = feed.with_token_provider(token_provider)
        return JobWatch(
            feed,
            job_ids,
            since=since,
            follow_active=follow,
            until_done=until_done and not (follow and not job_ids),
            active_jobs=self.active_jobs if follow else None,
            fetch_events=self.events,
            backoff=self._backoff,
        )


def filter_params(job_filter: JobFilter | None) -> list[tuple[str, str]]:
    """The list's query parameters for ``job_filter``, ``tag`` once per tag."""
    if job_filter is None:
        return []
    dumped = job_filter.model_dump(mode="json", exclude_none=True, exclude={"tags"})
    return [("tag", tag) for tag in job_filter.tags] + [(k, str(v)) for k, v in dumped.items()]


def _reason_body(reason: str | None) -> dict[str, Any] | None:
    return {"reason": reason} if reason is not None else None
