"""The feed's namespace, and what the metrics hook learns of each event sent to a client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

NAMESPACE = "/jobs"


@dataclass(frozen=True, slots=True)
class Outgoing:
    event: str
    data: Any
    job_id: str | None = None
    seq: int | None = None
    ts: datetime | None = None
