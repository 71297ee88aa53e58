"""How urgent a job is, on Temporal's scale: 1 runs first, 5 last, 3 when nobody says.

Temporal's task queues order backlogged tasks by ``priority_key`` (1..5 unless the server is
configured otherwise) and, within one level, share dispatch between ``fairness_key`` values in
proportion to their weights. jobwire uses the job's ``priority`` as the key and the user as the
fairness key, so one user's burst waits its turn instead of starving everyone else's jobs.
"""

from __future__ import annotations

HIGHEST_PRIORITY = 1
LOWEST_PRIORITY = 5
DEFAULT_PRIORITY = 3
"""Temporal's default, (1 + 5) / 2: a job that names no priority queues with Temporal's own."""

FAIRNESS_KEY_MAX_BYTES = 64
"""Temporal refuses longer fairness keys; a longer user id is cut to this, which only merges
the fairness share of users whose ids share such a prefix."""


def fairness_key(user_id: str) -> str:
    """The user's fairness key: the id itself, cut to what Temporal accepts."""
    raw = user_id.encode()[:FAIRNESS_KEY_MAX_BYTES]
    return raw.decode(errors="ignore")
