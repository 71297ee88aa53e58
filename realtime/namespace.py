"""The ``/jobs`` namespace: who may connect, and what subscribe, unsubscribe and control do.

Authorization is the REST API's: a verified JWT names the user, and a job of anyone else
answers 404. Every failure is an error ack (or a ``client_error`` event when the client
asked for no ack); nothing a client sends can break another client's connection.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import socketio

from jobwire.auth.tokens import InvalidToken, verify_token
from jobwire.contract.states import JobAction
from jobwire.contract.workflow_api import is_job_id
from jobwire.errors import InvalidSpec, JobNotFound
from jobwire.problems import is_foreseen, problem_details
from realtime.guard import RESERVED_EVENTS, MessageBudget, ReservedEvent, Verdict
from realtime.messages import (
    ConnectAuth,
    ControlMessage,
    SubscribeMessage,
    UnsubscribeMessage,
    parse,
    refused,
)
from realtime.packets import NAMESPACE
from realtime.snapshot import record_json

if TYPE_CHECKING:
    from collections.abc import Callable

    from jobwire.contract.records import JobRecord
    from realtime.bridge import Bridge
    from realtime.connection import Connection

log = logging.getLogger(__name__)

RECORD_READS = 2


class Refused(socketio.exceptions.ConnectionRefusedError):  # type: ignore[misc]
    """Refuses a connection with ``{"message", "code"}`` (and ``errors`` for a malformed
    payload) at the top level of the ``connect_error`` data, as docs/protocol.md promises."""

    def __init__(self, message: str, code: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.error_args: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.error_args["errors"] = errors


class JobsNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, bridge: Bridge) -> None:
        super().__init__(NAMESPACE)
        self.bridge = bridge
        self.budget = MessageBudget(bridge.settings.socket_messages_per_second)
        self.record_reads = asyncio.Semaphore(RECORD_READS)
        """A record (with its spec, up to a request body) is read, decoded and encoded for
        each subscribe and control: a few at a time, however many arrive at once."""

    async def trigger_event(self, event: str, *args: Any) -> Any:
        """python-socketio's own connect and disconnect go through; a client's message is
        counted against its budget, and a reserved or unknown event gets a ``client_error``
        rather than silence (or a handler run)."""
        sid = args[0] if args else None
        if event in {"connect", "disconnect"} and not self._sent_by_client(sid):
            return await super().trigger_event(event, *args)
        verdict = await self.budget.spend(str(sid))
        if verdict is not Verdict.ALLOW:
            return await self._over_budget(str(sid), verdict)
        connection = self.bridge.connections.get(str(sid))
        if connection is not None:
            connection.check_lag()
        if event in RESERVED_EVENTS:
            return await self._refuse(sid, ReservedEvent(f"{event!r} is reserved by Socket.IO"))
        if hasattr(self, f"on_{event}"):
            return await super().trigger_event(event, *args)
        detail = f"unknown event {event!r}; use subscribe, unsubscribe or control"
        return await self._refuse(sid, InvalidSpec(detail))

    def _sent_by_client(self, sid: Any) -> bool:
        """A connected client's event: python-socketio runs its own connect handler before the
        client counts as connected, and its disconnect handler after it no longer does."""
        return isinstance(sid, str) and bool(self.server.manager.is_connected(sid, NAMESPACE))

    async def _refuse(self, sid: Any, error: Exception) -> dict[str, Any]:
        if sid is not None:
            await self.emit("client_error", problem_details(error), to=sid)
        return refused(error)

    async def _over_budget(self, sid: str, verdict: Verdict) -> dict[str, Any]:
        ack = await self._refuse(sid, self.budget.refusal())
        if verdict is Verdict.DISCONNECT:
            log.warning("disconnecting %s: it kept sending past its message budget", sid)
            await self.disconnect(sid)
        return ack

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            raise Refused("a token is required: connect with auth {token: <JWT>}", "unauthorized")
        try:
            principal = verify_token(self.bridge.settings, token)
        except InvalidToken as exc:
            raise Refused(str(exc), "unauthorized") from exc
        try:
            subscriptions = parse(ConnectAuth, auth).subscriptions
        except InvalidSpec as exc:
            raise Refused(exc.detail, "invalid_auth", exc.errors) from exc
        connection = self.bridge.open(sid, principal.user_id, principal.expires_at)
        for message in subscriptions:
            connection.hold(message.job_id, message.since)
        await self.enter_room(sid, f"user:{principal.user_id}")
        if not await self.bridge.connected(connection):
            raise Refused("the client left while connecting", "gone")
        if subscriptions:
            # Answered after the connect: each needs Temporal to say whose job it is, which
            # must not hold up the handshake (a query can take seconds without a worker).
            connection.spawn(self._answer_named(sid, connection, subscriptions))

    async def _answer_named(
        self, sid: str, connection: Connection, subscriptions: list[SubscribeMessage]
    ) -> None:
        async def answer(message: SubscribeMessage) -> None:
            answered = False

            def announce(ack: dict[str, Any]) -> None:
                nonlocal answered
                answered = True
                connection.notify("subscribed", {"job_id": message.job_id} | ack)

            outcome = await self._subscribe(sid, connection, message, announce)
            if not outcome["ok"]:
                connection.forget(message.job_id)
            if not answered:
                announce(outcome)

        await asyncio.gather(*(answer(message) for message in subscriptions))

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        await self.bridge.disconnected(sid)
        await self.budget.forget(sid)

    async def on_subscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        try:
            message = parse(SubscribeMessage, data)
            connection = self.bridge.connection(sid)
        except Exception as exc:
            return self._refusal(exc)
        return await self._subscribe(sid, connection, message)

    async def _subscribe(
        self,
        sid: str,
        connection: Connection,
        message: SubscribeMessage,
        announce: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """The ack of a subscribe, whether sent as a message or named at connect; a job named
        at connect may be answered through ``announce`` before its replay is queued."""
        try:
            job_id = _owned_id(message.job_id)
            spec = message.include_spec
            async with connection.busy, self.record_reads:
                record = await self.bridge.jobs.get(connection.user_id, job_id, include_spec=spec)
            await self.enter_room(sid, f"job:{job_id}")
            (connection.with_spec.add if spec else connection.with_spec.discard)(job_id)
            last_seq = await self.bridge.subscribe(
                connection,
                record,
                message.since,
                announce=None
                if announce is None
                else lambda last: announce(_ack(record, last, spec=spec)),
            )
        except Exception as exc:
            return self._refusal(exc)
        return _ack(record, last_seq, spec=spec)

    async def on_unsubscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        try:
            message = parse(UnsubscribeMessage, data)
            connection = self.bridge.connection(sid)
        except Exception as exc:
            return self._refusal(exc)
        connection.subscribed.discard(message.job_id)
        await self.leave_room(sid, f"job:{message.job_id}")
        return {"ok": True}

    async def on_control(self, sid: str, data: Any = None) -> dict[str, Any]:
        try:
            message = parse(ControlMessage, data)
            connection = self.bridge.connection(sid)
            async with connection.busy, self.record_reads:
                record = await self.bridge.jobs.control(
                    connection.user_id,
                    _owned_id(message.job_id),
                    JobAction(message.action),
                    message.reason,
                )
        except Exception as exc:
            return self._refusal(exc)
        return {"ok": True, "job": record_json(record, spec=False)}

    def _refusal(self, exc: Exception) -> dict[str, Any]:
        ack = refused(exc)
        if not is_foreseen(ack["error"]):
            log.exception("socket handler failed", exc_info=exc)
        return ack


def _ack(record: JobRecord, last_seq: int, *, spec: bool) -> dict[str, Any]:
    return {"ok": True, "job": record_json(record, spec=spec), "last_seq": last_seq}


def _owned_id(job_id: str) -> str:
    if not is_job_id(job_id):
        raise JobNotFound(job_id)
    return job_id
