"""The feed's namespace, and what the metrics hook learns of each event sent to a client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

NAMESPACE = "/jobs"
"""The one Socket.IO namespace of the live feed."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One event handed to one client's socket; ``ts`` is what the feed's lag is measured from."""

    event: str
    data: Any
    job_id: str | None = None
    seq: int | None = None
    ts: datetime | None = None
