"""The time budget of a search: seconds, or CP-SAT's deterministic units, in one object.

A solve's time limit is shared out among the stages, and a stage's share
among the pieces of work that make its first roster and improve it. Every
piece gets a :class:`Budget` and charges what it spends; whoever gave the
share sees the spending too. In seconds, spending is the wall time since the
budget began; in deterministic units (``--deterministic``: the same instance,
seed and workers give the same roster) it is what the pieces charged, since
a running search does not report its deterministic time. This is the one
place that tells the two units apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# The least budget a search is given: CP-SAT refuses a limit of 0.
LEAST = 0.01


class Budget:
    """A limit (None: none) in seconds or deterministic units, and what has been spent of it."""

    def __init__(
        self,
        limit: float | None,
        *,
        deterministic: bool = False,
        parent: Budget | None = None,
        meter: Callable[[], float] | None = None,
    ) -> None:
        self.limit = limit
        self.deterministic = deterministic
        self.started = time.monotonic()
        self._parent = parent
        self._charged = 0.0  # deterministic units charged to this budget and its shares
        # deterministic units read off the work itself (column generation counts labels extended)
        self._meter = meter

    @classmethod
    def unlimited(cls, *, deterministic: bool = False) -> Budget:
        return cls(None, deterministic=deterministic)

    @property
    def limited(self) -> bool:
        return self.limit is not None

    def spent(self) -> float:
        """What has been spent: seconds since the budget began, or the deterministic units charged
        (or read off the work by the budget's meter)."""
        if not self.deterministic:
            return time.monotonic() - self.started
        return self._meter() if self._meter is not None else self._charged

    def charge(self, units: float) -> None:
        """Count ``units`` of deterministic time spent (ignored in seconds, where the clock counts)."""
        if self.deterministic:
            self._charged += units
            if self._parent is not None:
                self._parent.charge(units)

    def left(self) -> float | None:
        """What is left (below 0 once overspent), or None without a limit."""
        return None if self.limit is None else self.limit - self.spent()

    def expired(self) -> bool:
        return self.limit is not None and self.limit - self.spent() <= LEAST

    def share(self, fraction: float = 1.0, *, less: float = 0.0) -> Budget:
        """A budget of ``fraction`` of what is left, less ``less``; its spending is this one's too."""
        left = self.left()
        limit = None if left is None else max(left * fraction - less, LEAST)
        return Budget(limit, deterministic=self.deterministic, parent=self)

    def part(self, limit: float | None) -> Budget:
        """A budget of exactly ``limit`` (None: none), whatever is left; its spending is this one's too."""
        return Budget(limit, deterministic=self.deterministic, parent=self)

    def __repr__(self) -> str:
        unit = "units" if self.deterministic else "s"
        limit = "unlimited" if self.limit is None else f"{self.limit:.2f} {unit}"
        return f"Budget({limit}, spent {self.spent():.2f})"
