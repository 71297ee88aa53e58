"""The live feed as the watcher sees it: connect, subscribe, receive messages, close.

``JobWatch`` speaks only to ``FeedConnector``/``FeedConnection``, so its ordering, dedupe and
reconnect logic is tested against an in-memory feed; ``SocketIOConnector`` is the real one,
over python-socketio's ``AsyncClient`` with its own reconnection turned off (the watcher owns
reconnecting, because it must resubscribe with ``since`` each time).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from jobwire.client.errors import FeedUnavailable, Unauthorized, error_for
from jobwire.client.models import Problem, SubscribeAck
from jobwire.contract.events import JobEvent

if TYPE_CHECKING:
    import socketio

log = logging.getLogger(__name__)

NAMESPACE = "/jobs"
SOCKETIO_PATH = "socket.io"
MAX_CONNECT_SUBSCRIPTIONS = 100
"""The server's limit (docs/protocol.md); jobs beyond it are subscribed by message."""


@dataclass(frozen=True)
class EventMessage:
    event: JobEvent


@dataclass(frozen=True)
class ResyncMessage:
    job_id: str
    since: int
    reason: str = ""


@dataclass(frozen=True)
class SessionExpiredMessage:
    reason: str = ""


@dataclass(frozen=True)
class FeedStatusMessage:
    state: str
    detail: str = ""


@dataclass(frozen=True)
class DisconnectedMessage:
    reason: str = ""


FeedMessage = (
    EventMessage | ResyncMessage | SessionExpiredMessage | FeedStatusMessage | DisconnectedMessage
)


class FeedConnection(Protocol):
    async def subscribe(self, job_id: str, since: int | None) -> SubscribeAck:
        """Raises ``ApiError`` on an error ack, ``FeedUnavailable`` if the link drops."""
        ...

    async def receive(self) -> FeedMessage:
        """The next message; a ``DisconnectedMessage`` once the link is gone."""
        ...

    async def close(self) -> None: ...


Subscriptions = Mapping[str, int | None]
"""Job id → ``since``: the jobs a connection follows from its first packet on."""


class FeedConnector(Protocol):
    async def __call__(self, subscriptions: Subscriptions | None = None) -> FeedConnection:
        """Raises ``FeedUnavailable`` (worth retrying) or ``Unauthorized`` (not).

        A job in ``subscriptions`` is subscribed as the connection opens, so its replay comes
        ahead of the user room's live events; ``subscribe`` with the same ``since`` then
        answers with that subscription's ack instead of subscribing again."""
        ...


def parse_ack(ack: Any) -> SubscribeAck:
    if isinstance(ack, dict) and ack.get("ok"):
        try:
            return SubscribeAck.model_validate(ack)
        except ValidationError as exc:
            raise FeedUnavailable(f"malformed subscribe ack: {exc}") from exc
    error = ack.get("error") if isinstance(ack, dict) else None
    if isinstance(error, dict):
        raise error_for(Problem.model_validate({"status": 500, "title": "Error", **error}))
    raise FeedUnavailable(f"unexpected subscribe ack: {ack!r}")


class SocketIOConnection:
    """One Socket.IO connection to namespace ``/jobs``; its messages go through a queue."""

    def __init__(
        self,
        sio: socketio.AsyncClient,
        namespace: str,
        ack_timeout: float,
        named: Subscriptions | None = None,
    ) -> None:
        self._sio = sio
        self._namespace = namespace
        self._ack_timeout = ack_timeout
        self._queue: asyncio.Queue[FeedMessage] = asyncio.Queue()
        self._gone = asyncio.Event()
        self._named: dict[str, tuple[int | None, asyncio.Future[Any]]] = {
            job_id: (since, asyncio.get_running_loop().create_future())
            for job_id, since in (named or {}).items()
        }
        """The answers to the jobs named at connect, as the server sends them."""
        self.refusal: dict[str, Any] | None = None
        on = sio.on
        on("job_event", self._on_job_event, namespace=namespace)
        on("subscribed", self._on_subscribed, namespace=namespace)
        on("resync", self._on_resync, namespace=namespace)
        on("session_expired", self._on_session_expired, namespace=namespace)
        on("feed_status", self._on_feed_status, namespace=namespace)
        on("client_error", self._on_client_error, namespace=namespace)
        on("disconnect", self._on_disconnect, namespace=namespace)
        on("connect_error", self._on_connect_error, namespace=namespace)

    def _on_job_event(self, data: Any) -> None:
        try:
            self._queue.put_nowait(EventMessage(JobEvent.model_validate(data)))
        except ValidationError:
            log.warning("ignoring a malformed job_event: %r", data)

    def _on_subscribed(self, data: Any) -> None:
        job_id = data.get("job_id") if isinstance(data, dict) else None
        named = self._named.get(job_id) if isinstance(job_id, str) else None
        if named is not None and not named[1].done():
            named[1].set_result(data)

    def _on_resync(self, data: Any) -> None:
        if isinstance(data, dict) and isinstance(data.get("job_id"), str):
            since = data.get("since")
            reason = str(data.get("reason", ""))
            self._queue.put_nowait(
                ResyncMessage(data["job_id"], since if isinstance(since, int) else 0, reason)
            )

    def _on_session_expired(self, data: Any) -> None:
        reason = data.get("reason", "") if isinstance(data, dict) else ""
        self._queue.put_nowait(SessionExpiredMessage(str(reason)))

    def _on_feed_status(self, data: Any) -> None:
        if isinstance(data, dict):
            self._queue.put_nowait(
                FeedStatusMessage(str(data.get("state", "")), str(data.get("detail", "")))
            )

    def _on_client_error(self, data: Any) -> None:
        log.warning("the server refused a message: %r", data)

    def _on_disconnect(self, reason: Any = None) -> None:
        self._gone.set()
        self._queue.put_nowait(DisconnectedMessage(str(reason or "")))

    def _on_connect_error(self, data: Any = None) -> None:
        self.refusal = data if isinstance(data, dict) else {"message": str(data)}

    def refused_as_unauthorized(self) -> bool:
        """The server said no to this token (``code: unauthorized``, at the top or in data)."""
        refusal = self.refusal or {}
        data = refusal.get("data")
        codes = {refusal.get("code"), data.get("code") if isinstance(data, dict) else None}
        return "unauthorized" in codes

    async def subscribe(self, job_id: str, since: int | None) -> SubscribeAck:
        named = self._named.get(job_id)
        if named is not None and named[0] == since:
            try:
                answer = await self._until_gone(named[1], "the answer to a connect-time job")
            finally:
                del self._named[job_id]  # answered once; a later subscribe is a message
            return parse_ack(answer)
        payload: dict[str, Any] = {"job_id": job_id}
        if since is not None:
            payload["since"] = since
        return parse_ack(await self._call("subscribe", payload))

    async def _call(self, event: str, payload: dict[str, Any]) -> Any:
        """``sio.call`` that gives up as soon as the link drops instead of at its timeout."""
        import socketio  # python-socketio imports its Redis and aiohttp parts: only when used

        call = self._sio.call(event, payload, namespace=self._namespace, timeout=self._ack_timeout)
        try:
            return await self._until_gone(asyncio.ensure_future(call), f"the {event} ack")
        except socketio.exceptions.SocketIOError as exc:
            raise FeedUnavailable(f"{event} failed: {exc!r}") from exc

    async def _until_gone(self, answer: asyncio.Future[Any], what: str) -> Any:
        """The answer, or ``FeedUnavailable`` once the link drops or the time is up."""
        if self._gone.is_set():
            answer.cancel()
            raise FeedUnavailable("disconnected")
        gone = asyncio.ensure_future(self._gone.wait())
        try:
            await asyncio.wait(
                {answer, gone}, timeout=self._ack_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            gone.cancel()
        if not answer.done():
            answer.cancel()
            why = "disconnected" if self._gone.is_set() else "no answer in time"
            raise FeedUnavailable(f"{why} while waiting for {what}")
        return answer.result()

    async def receive(self) -> FeedMessage:
        return await self._queue.get()

    async def close(self) -> None:
        try:
            await self._sio.disconnect()
        except Exception:  # a dead link may fail to say goodbye; nothing is left to do
            log.debug("disconnect failed", exc_info=True)


class SocketIOConnector:
    """Opens ``SocketIOConnection``s to one server with a fixed or refreshed token."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        path: str = SOCKETIO_PATH,
        namespace: str = NAMESPACE,
        transports: list[str] | None = None,
        timeout: float = 10.0,
        token_provider: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.path = path.strip("/")
        self.namespace = namespace
        self.transports = transports or ["websocket"]
        self.timeout = timeout
        self.token_provider = token_provider

    def with_token_provider(self, provider: Callable[[], Awaitable[str]]) -> SocketIOConnector:
        return SocketIOConnector(
            self.base_url,
            self.token,
            path=self.path,
            namespace=self.namespace,
            transports=self.transports,
            timeout=self.timeout,
            token_provider=provider,
        )

    async def __call__(self, subscriptions: Subscriptions | None = None) -> SocketIOConnection:
        token = await self.token_provider() if self.token_provider else self.token
        named = dict(list((subscriptions or {}).items())[:MAX_CONNECT_SUBSCRIPTIONS])
        import socketio  # python-socketio imports its Redis and aiohttp parts: only when used

        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        connection = SocketIOConnection(sio, self.namespace, self.timeout, named)
        auth: dict[str, Any] = {"token": token or ""}
        if named:
            auth["subscriptions"] = [
                {"job_id": job_id} | ({} if since is None else {"since": since})
                for job_id, since in named.items()
            ]
        try:
            await sio.connect(
                self.base_url,
                auth=auth,
                namespaces=[self.namespace],
                socketio_path=self.path,
                transports=self.transports,
                wait_timeout=self.timeout,
            )
        except (socketio.exceptions.ConnectionError, OSError, TimeoutError) as exc:
            await connection.close()
            if connection.refused_as_unauthorized():
                refusal = connection.refusal or {}
                problem = Problem(
                    title="Unauthorized", status=401, detail=str(refusal.get("message", ""))
                )
                raise Unauthorized(problem) from exc
            raise FeedUnavailable(f"cannot connect to {self.base_url}: {exc}") from exc
        return connection
