"""The ``/jobs`` namespace: who may connect, and what subscribe, unsubscribe and control do.

A verified JWT names the user; a job of anyone else answers 404. Every failure is an error
ack (or a ``client_error``); nothing a client sends can break another client's connection."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import socketio

from jobwire.auth.tokens import InvalidToken, verify_token
from jobwire.contract.socket_messages import (
    ConnectAuth,
    ControlMessage,
    SubscribeMessage,
    UnsubscribeMessage,
    parse,
)
from jobwire.contract.states import JobAction
from jobwire.contract.workflow_api import is_job_id
from jobwire.errors import InvalidSpec, JobNotFound
from jobwire.problems import is_foreseen
from jobwire.projection.snapshot import record_json
from realtime.client import NAMESPACE, Client, Subscription
from realtime.engine import EngineSocket
from realtime.guard import RESERVED_EVENTS, MessageBudget, ReservedEvent, Verdict, refused
from realtime.hub import Hub
from realtime.subscription import CatchUp

log = logging.getLogger(__name__)
RECORD_READS = 2
"""Records (each with a spec up to a request body) read at once, for all clients together."""


class Refused(socketio.exceptions.ConnectionRefusedError):  # type: ignore[misc]
    """``connect_error`` data ``{"message", "code"[, "errors"]}``, as docs/protocol.md says."""

    def __init__(self, message: str, code: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.error_args = {"message": message, "code": code} | (
            {"errors": errors} if errors else {}
        )


class JobsNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, hub: Hub) -> None:
        super().__init__(NAMESPACE)
        self.hub = hub
        self.budget = MessageBudget(hub.settings.socket_messages_per_second)
        self.record_reads = asyncio.Semaphore(RECORD_READS)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        """python-socketio's own connect and disconnect come while the client is not (yet, or
        any more) connected; a client's messages are counted, and reserved or unknown ones
        refused."""
        sid = str(args[0]) if args else ""
        if event in {"connect", "disconnect"} and not self.server.manager.is_connected(
            sid, NAMESPACE
        ):
            return await super().trigger_event(event, *args)
        if (verdict := await self.budget.spend(sid)) is not Verdict.ALLOW:
            ack = await self._refuse(sid, self.budget.refusal())
            if verdict is Verdict.DISCONNECT:
                log.warning("disconnecting %s: it kept sending past its message budget", sid)
                await self.disconnect(sid)
            return ack
        self.hub.check_lag(sid)
        if event in RESERVED_EVENTS:
            return await self._refuse(sid, ReservedEvent(f"{event!r} is reserved by Socket.IO"))
        if hasattr(self, f"on_{event}"):
            return await super().trigger_event(event, *args)
        unknown = f"unknown event {event!r}; use subscribe, unsubscribe or control"
        return await self._refuse(sid, InvalidSpec(unknown))

    async def _refuse(self, sid: str, error: Exception) -> dict[str, Any]:
        ack = refused(error)
        await self.emit("client_error", ack["error"], to=sid)
        return ack

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        """Joins the user's room before returning: python-socketio queues the CONNECT packet
        as soon as this returns, so every event the feed reads after the client learns it is
        connected reaches it. What this connection sends (answers, catch-ups) runs in a task
        started here, after the CONNECT packet."""
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            raise Refused("a token is required: connect with auth {token: <JWT>}", "unauthorized")
        try:
            principal = verify_token(self.hub.settings, token)
        except InvalidToken as exc:
            raise Refused(str(exc), "unauthorized") from exc
        try:
            named = parse(ConnectAuth, auth).subscriptions
        except InvalidSpec as exc:
            raise Refused(exc.detail, "invalid_auth", exc.errors) from exc
        engine = EngineSocket.of(self.server, environ)
        client = self.hub.open(sid, principal.user_id, principal.expires_at, engine)
        for message in named:  # held: their live events wait for their catch-up
            client.subs[message.job_id] = Subscription(message.since)
        if await self.hub.join(client):
            self.hub.outlet.spawn(self._welcome(client, named))

    async def _welcome(self, client: Client, named: list[SubscribeMessage]) -> None:
        await self.hub.greet(client)
        await asyncio.gather(*(self._answer(client, message) for message in named))

    async def _answer(self, client: Client, message: SubscribeMessage) -> None:
        """A job named at connect: its ``subscribed`` answer, then its catch-up."""
        ack, run = await self._subscribe(client, message, fresh=True)
        if not ack["ok"]:
            client.subs.pop(message.job_id, None)
        await self.hub.outlet.send(client, "subscribed", {"job_id": message.job_id} | ack)
        if run is not None:
            await run()

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self.hub.close(sid)
        await self.budget.forget(sid)

    async def on_subscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        """The ack goes out as this returns, before the catch-up task starts."""
        ack, run = await self._subscribe(self.hub.connections[sid], data)
        if run is not None:
            self.hub.outlet.spawn(run())
        return ack

    async def _subscribe(
        self, client: Client, data: Any, *, fresh: bool = False
    ) -> tuple[dict[str, Any], CatchUp | None]:
        """A new job with ``since`` is held from the start (its owner is checked meanwhile):
        the room's events of it then wait for the replay instead of arriving twice."""
        held: Subscription | None = None
        try:
            message = data if isinstance(data, SubscribeMessage) else parse(SubscribeMessage, data)
            job_id, spec = _owned_id(message.job_id), message.include_spec
            if message.since is not None and job_id not in client.subs:
                held = client.subs[job_id] = Subscription(message.since)
            async with client.busy, self.record_reads:
                record = await self.hub.jobs.get(client.user_id, job_id, include_spec=spec)
            after = self.hub.position(client.user_id, job_id)
            last_seq, run = await self.hub.subscriptions.subscribe(
                client, record, message.since, spec=spec, after=after, fresh=fresh or bool(held)
            )
        except Exception as exc:
            if held is not None and client.subs.get(message.job_id) is held:
                client.subs.pop(message.job_id)
            return self._refusal(exc), None
        return {"ok": True, "job": record_json(record, spec=spec), "last_seq": last_seq}, run

    async def on_unsubscribe(self, sid: str, data: Any = None) -> dict[str, Any]:
        try:
            self.hub.connections[sid].subs.pop(parse(UnsubscribeMessage, data).job_id, None)
        except InvalidSpec as exc:
            return refused(exc)
        return {"ok": True}

    async def on_control(self, sid: str, data: Any = None) -> dict[str, Any]:
        try:
            message, client = parse(ControlMessage, data), self.hub.connections[sid]
            job_id, action = _owned_id(message.job_id), JobAction(message.action)
            async with client.busy, self.record_reads:
                record = await self.hub.jobs.control(client.user_id, job_id, action, message.reason)
        except Exception as exc:
            return self._refusal(exc)
        return {"ok": True, "job": record_json(record, spec=False)}

    def _refusal(self, exc: Exception) -> dict[str, Any]:
        ack = refused(exc)
        if not is_foreseen(ack["error"]):
            log.exception("socket handler failed", exc_info=exc)
        return ack


def _owned_id(job_id: str) -> str:
    if not is_job_id(job_id):
        raise JobNotFound(job_id)
    return job_id
