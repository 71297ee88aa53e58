"""A checkpoint either round-trips exactly or is refused the moment it is taken.

Heartbeat details travel as JSON. A NaN or an infinity would be written as ``null`` (or not
at all), a tuple would come back a list, an object would come back a string or not at all:
the next attempt would then resume from something other than what the phase saved, and fail
in a way no retry can mend. So ``advance`` checks the state first and names the first field
that would not come back the same.
"""

from __future__ import annotations

import math
from typing import Any

from activities.runtime.failures import CheckpointRefused


def check_round_trip(value: Any, path: str = "state") -> None:
    """Raises ``CheckpointRefused`` naming the first field of ``value`` that JSON would not
    give back unchanged: only dicts with string keys, lists, strings, bools, None, ints and
    finite floats pass."""
    problem = _first_problem(value, path)
    if problem is not None:
        where, why = problem
        raise CheckpointRefused(f"{where}: {why}")


def _first_problem(value: Any, path: str) -> tuple[str, str] | None:
    """Depth first, with an explicit stack so a deep state cannot exhaust the recursion."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        current, where = stack.pop()
        if current is None or isinstance(current, (str, bool, int)):
            continue
        if isinstance(current, float):
            if not math.isfinite(current):
                return where, "not a finite number"
        elif isinstance(current, dict):
            for key in reversed(list(current)):
                if not isinstance(key, str):
                    return where, f"key {key!r} is not a string"
                stack.append((current[key], f"{where}.{key}"))
        elif isinstance(current, list):
            stack.extend(
                (item, f"{where}[{index}]") for index, item in reversed(list(enumerate(current)))
            )
        else:
            return where, f"a {type(current).__name__} is not a JSON value"
    return None
