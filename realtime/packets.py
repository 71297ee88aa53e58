"""Socket.IO packets encoded once per event, however many connections it goes to.

python-socketio encodes a packet (scanning it for binary parts, then dumping its JSON) for
every recipient of a ``to=sid`` emit; with an event fanned out to many connections, that was
a large share of the API's time. Here an event is dumped and encoded once, and each
connection hands the same string to Engine.IO, exactly as python-socketio's own room
broadcast does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from socketio import packet

from jobwire.contract.events import JobEvent

NAMESPACE = "/jobs"
"""The one Socket.IO namespace of the live feed."""


@dataclass(frozen=True)
class Outgoing:
    """One message for one or many connections: its name, its payload and its encoding."""

    event: str
    data: Any
    packet: str
    job_id: str | None = None
    seq: int | None = None
    ts: datetime | None = None
    """When the event happened: what the feed's lag is measured from."""


def encode(event: str, data: Any) -> str:
    encoded = packet.Packet(packet.EVENT, data=[event, data], namespace=NAMESPACE).encode()
    assert isinstance(encoded, str), "job events carry no binary attachments"
    return encoded


def message(event: str, data: Any) -> Outgoing:
    """A control message (feed status, resync) for one connection."""
    return Outgoing(event, data, encode(event, data))


def job_event(event: JobEvent) -> Outgoing:
    data = event.model_dump(mode="json")
    return Outgoing("job_event", data, encode("job_event", data), event.job_id, event.seq, event.ts)
