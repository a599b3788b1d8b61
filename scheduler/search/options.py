"""What a solve is asked for (:class:`SolveOptions`) and what it reports live (:class:`Progress`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.search.budget import Budget
from scheduler.search.settings import SETTINGS, SearchSettings


@dataclass(frozen=True)
class Progress:
    """A new best solution of a stage, for live progress display."""

    stage: str
    objective: float
    bound: float
    seconds: float

    @property
    def gap(self) -> float:
        if self.objective == 0:
            return 0.0
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


@dataclass
class SolveOptions:
    """The solve parameters, as one object."""

    time_limit: float | None = 60.0  # the whole solve, model building included; None: no limit
    workers: int = 2
    seed: int = 0
    deterministic: bool = False  # interleaved search with a deterministic time budget: repeatable
    log_callback: Callable[[str], None] | None = None  # CP-SAT's own search log, line by line
    progress: Callable[[Progress], None] | None = None
    settings: SearchSettings = field(default_factory=lambda: SETTINGS)

    def budget(self) -> Budget:
        """The whole solve's budget, starting now (in deterministic units with ``deterministic``)."""
        return Budget(self.time_limit, deterministic=self.deterministic)
