"""The /api/schedules calls, one typed method each, over a ``JobwireClient``'s connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from jobwire.client.http import JobwireClient, SpecLike, spec_payload
from jobwire.contract.schedules import Overlap, SchedulePage, ScheduleRecord

Request = Callable[..., Awaitable[Any]]


class ScheduleClient:
    """A user's schedules; errors are the same ``ApiError`` subclasses as for jobs."""

    def __init__(self, request: Request) -> None:
        self._request = request

    async def create(
        self,
        spec: SpecLike,
        *,
        cron: str | None = None,
        interval_seconds: int | None = None,
        time_zone: str = "UTC",
        overlap: Overlap = Overlap.SKIP,
        note: str | None = None,
        paused: bool = False,
    ) -> ScheduleRecord:
        """A schedule that starts ``spec`` by ``cron`` or every ``interval_seconds``."""
        body: dict[str, Any] = {
            "spec": spec_payload(spec),
            "time_zone": time_zone,
            "overlap": overlap.value,
            "paused": paused,
        }
        body.update(_given(cron=cron, interval_seconds=interval_seconds, note=note))
        return ScheduleRecord.model_validate(
            await self._request("POST", "/api/schedules", json=body)
        )

    async def update(self, schedule_id: str, **changes: Any) -> ScheduleRecord:
        """Changes the given fields (``cron``, ``interval_seconds``, ``time_zone``,
        ``overlap``, ``note``, ``spec``); the rest stay."""
        if "spec" in changes and changes["spec"] is not None:
            changes["spec"] = spec_payload(changes["spec"])
        data = await self._request("PATCH", f"/api/schedules/{schedule_id}", json=changes)
        return ScheduleRecord.model_validate(data)

    async def list(self) -> SchedulePage:
        return SchedulePage.model_validate(await self._request("GET", "/api/schedules"))

    async def get(self, schedule_id: str) -> ScheduleRecord:
        data = await self._request("GET", f"/api/schedules/{schedule_id}")
        return ScheduleRecord.model_validate(data)

    async def pause(self, schedule_id: str, reason: str | None = None) -> ScheduleRecord:
        return await self._post(schedule_id, "pause", _given(reason=reason) or None)

    async def unpause(self, schedule_id: str, reason: str | None = None) -> ScheduleRecord:
        return await self._post(schedule_id, "unpause", _given(reason=reason) or None)

    async def trigger(self, schedule_id: str) -> ScheduleRecord:
        """Starts a run now; its job is the newest of ``recent_runs`` once Temporal started it."""
        return await self._post(schedule_id, "trigger", None)

    async def delete(self, schedule_id: str) -> None:
        await self._request("DELETE", f"/api/schedules/{schedule_id}")

    async def _post(self, schedule_id: str, action: str, body: Any) -> ScheduleRecord:
        kwargs = {"json": body} if body is not None else {}
        data = await self._request("POST", f"/api/schedules/{schedule_id}/{action}", **kwargs)
        return ScheduleRecord.model_validate(data)


def _given(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def schedules_of(client: JobwireClient) -> ScheduleClient:
    """The schedule calls on ``client``'s own connection, token and error mapping."""
    return ScheduleClient(client._request)
