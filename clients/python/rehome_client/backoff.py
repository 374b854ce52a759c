"""How long to wait before connection attempt ``n`` (ReHome.Client's ReconnectBackoff).

Nothing while untried addresses remain in the first round — the next replica is likely up — then a
doubling delay, capped, with ±20 % jitter so many clients dropped by one api do not come back in step.
"""

from __future__ import annotations

import random


class ReconnectBackoff:
    def __init__(self, address_count: int, first: float, maximum: float) -> None:
        if address_count < 1:
            raise ValueError("at least one api address is needed")
        if first <= 0 or maximum < first:
            raise ValueError("the first reconnect delay must be > 0 and not above the maximum")
        self._address_count = address_count
        self._first = first
        self._maximum = maximum

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt`` (0 is the first attempt)."""
        round_ = attempt // self._address_count
        if round_ == 0:
            return 0.0
        exponential = self._first * 2 ** min(round_ - 1, 16)
        return min(exponential, self._maximum) * (0.8 + 0.4 * random.random())
