"""What a client may send at all, before any handler runs: no reserved event names, and no
more than its budget of messages; and the ack of whatever is refused.

python-socketio hands a client's ``["connect", …]`` or ``["disconnect", …]`` event to the same
handlers as its own connect and disconnect, which would drop or rebuild the connection's
state; what tells them apart is that the client's own event comes while it is connected,
and python-socketio's come before it is (connect) or once it no longer is (disconnect).
The budget is a moving window of the ``limits`` library, in memory: a socket lives on one
instance, and its count goes with it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from jobwire.errors import JobwireError
from jobwire.problems import problem_details

RESERVED_EVENTS = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}
)
"""Event names Socket.IO keeps for itself, on either side."""


class TooManyMessages(JobwireError):
    status = 429
    title = "Too many messages"


class ReservedEvent(JobwireError):
    status = 400
    title = "Reserved event"


class Verdict(Enum):
    ALLOW = "allow"
    REFUSE = "refuse"
    DISCONNECT = "disconnect"


class MessageBudget:
    """Per connection: up to ``per_second`` messages in any second; each one beyond is refused,
    and a client that sends ``per_second`` refused messages in a row is disconnected."""

    def __init__(self, per_second: int) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._item = RateLimitItemPerSecond(per_second)
        self._patience = per_second
        self._refused: dict[str, int] = {}

    async def spend(self, sid: str) -> Verdict:
        if await self._limiter.hit(self._item, sid):
            self._refused.pop(sid, None)
            return Verdict.ALLOW
        refused = self._refused.get(sid, 0) + 1
        self._refused[sid] = refused
        return Verdict.DISCONNECT if refused >= self._patience else Verdict.REFUSE

    async def forget(self, sid: str) -> None:
        self._refused.pop(sid, None)
        await self._limiter.clear(self._item, sid)

    def refusal(self) -> TooManyMessages:
        return TooManyMessages(
            f"at most {self._item.amount} messages a second; slow down or be disconnected"
        )


def refused(exc: Exception) -> dict[str, Any]:
    """The ack of a message that was not carried out: the REST API's problem details."""
    return {"ok": False, "error": problem_details(exc)}
