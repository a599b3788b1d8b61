"""What a CP-SAT search tells while it runs: whether it found a solution, when its stage value last
improved, live progress; and its float bound as a bound on an integral objective."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.model.objective import ObjectiveStage
from scheduler.search.options import Progress

Reporter = cp_model.CpSolverSolutionCallback | None


class FoundWatch(cp_model.CpSolverSolutionCallback):
    """Notes that the search has found a solution, and when the stage's own value last improved
    (the objective over the stage's tie-break ``scale``; see CpSatRunner.begin)."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False
        self.scale = 1
        self.best: int | None = None
        self.last_gain = time.monotonic()

    def restart(self, scale: int) -> None:
        """Watch a new search whose stage has the tie-break ``scale``."""
        self.scale, self.best, self.last_gain, self.found = scale, None, time.monotonic(), False

    def on_solution_callback(self) -> None:
        self.found = True
        value = int(self.objective_value) // self.scale
        if self.best is None or value < self.best:
            self.best, self.last_gain = value, time.monotonic()


class ProgressReporter(FoundWatch):
    """Reports each new solution of ``stage`` in reported units, with the seconds since ``started``."""

    def __init__(
        self, stage: ObjectiveStage, report: Callable[[Progress], None], started: float, scale: int = 1
    ) -> None:
        super().__init__()
        self._stage = stage
        self._report = report
        self._started = started
        self._scale = scale  # the stage's tie-break scale (see CpSatRunner.begin)

    def on_solution_callback(self) -> None:
        super().on_solution_callback()
        divisor = self._stage.divisor
        value = int(self.objective_value) // self._scale
        bound = scaled_down(integral_bound(self.best_objective_bound), self._scale)
        self._report(Progress(self._stage.name, value / divisor, bound / divisor, time.monotonic() - self._started))


def integral_bound(bound: float) -> int:
    """CP-SAT's objective bound (a float) as a bound on an integral objective: rounded up, less a
    hair for floating-point noise above the true bound (truncating 9999.9999 to 9999 would leave a
    proven optimum of 10000 looking unproven)."""
    return math.ceil(bound - 1e-6)


def scaled_down(bound: int, scale: int) -> int:
    """A bound on ``expr`` from a bound on ``scale * expr + next`` with ``0 <= next < scale``:
    ``scale * expr >= bound - next > bound - scale``."""
    if scale <= 1:
        return bound
    return -((scale - 1 - bound) // scale)  # ceil((bound - scale + 1) / scale)


def out_of_patience(reporter: Reporter, patience: float | None) -> bool:
    """Whether a search watched by ``reporter`` has found a solution and then not improved its stage's
    value for ``patience`` seconds (the rest would go to the tie-break: another neighbourhood gains more)."""
    return (patience is not None and isinstance(reporter, FoundWatch) and reporter.found
            and time.monotonic() - reporter.last_gain > patience)
