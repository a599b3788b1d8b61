"""What a column generation found: its LP value and bound, and the dive's roster (:class:`Outcome`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from scheduler.model.variables import DutyKey
from scheduler.search.settings import SETTINGS


@dataclass
class Outcome:
    """What the column generation found: its LP value and bound, and the dive's roster."""

    lp_value: float = math.nan  # of the last master LP before the dive (in the objective's units)
    bound: float = -math.inf  # best valid lower bound seen (LP value plus every negative reduced cost of a round)
    converged: bool = False  # no column with negative reduced cost was left: lp_value is the LP optimum
    rounds: int = 0  # pricing rounds, the dive's included
    columns: int = 0
    duties: list[DutyKey] = field(default_factory=list)
    dive_complete: bool = False  # every cadre fixed by the dive
    unfixed: list[str] = field(default_factory=list)  # cadres the dive had no time to fix (no duties here)
    abandoned: bool = False  # the LP did not end in its share (or GLOP failed): no roster
    dive_steps: int = 0
    largest_batch: int = 0  # the most cadres one dive step fixed
    value: float = math.inf  # the dive's roster in the objective's units, when the dive is complete
    lp_settings: str = SETTINGS.lp_settings  # GLOP's, for the master LP
    dive_share: float = 0.0  # the least share of the cadres left that a dive step fixed (0: one)
    lp_seconds: float = 0.0  # until the LP before the dive
    seconds: float = 0.0  # until the end

