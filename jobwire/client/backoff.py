"""How long a client waits before it tries the server again."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """Exponential backoff with "equal jitter": half the ceiling fixed, half random.

    The fixed half keeps a crowd of clients from hammering a server that just came back;
    the random half spreads them out.
    """

    def __init__(
        self,
        initial: float = 0.25,
        factor: float = 2.0,
        maximum: float = 15.0,
        *,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
        self._rng = rng

    def ceiling(self, attempt: int) -> float:
        return min(self.maximum, self.initial * self.factor ** min(attempt, 64))

    def delay(self, attempt: int) -> float:
        ceiling = self.ceiling(attempt)
        return ceiling / 2 + self._rng() * ceiling / 2
