"""The solve's last step: the finished roster's open cells filled by hand, kept where the checker ranks it better.

Each stage's search holds the earlier stages at their totals, not where their
gaps lie: the later stages move cadres about and leave checkpoints short that
a free cadre could fill, or one who gives up a standby within the week
(:func:`scheduler.search.fill.fill_open_cells`, the fill the coverage,
standby and target stages begin with). Nothing fills them after the last
stage, so the solve ends with a few rounds of the same filling (minimum and
skills, then standby, then targets up to ``target``), and a balancing of the
loads by hand (:mod:`scheduler.search.balance`, as before the fairness
stage), each kept only if the independent checker ranks it better and finds
no rule broken. On the
generated field instances the finished rosters' minimum coverage improved by
this on most rows (BENCHMARKS.md, nineteenth session).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from models.instance import Instance
from models.roster import Assignment, StandbyAssignment
from scheduler.model.calendar import Calendar
from scheduler.model.variables import DutyKey, StandbyKey, keys_of_roster, roster_of_keys
from scheduler.search.balance import balance_loads
from scheduler.search.construction import ranking
from scheduler.search.fill import fill_open_cells

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Polished:
    """The polished roster and its rank (the checker's stage values, or weighted total)."""

    assignments: list[Assignment]
    standby: list[StandbyAssignment]
    rank: tuple[float, ...]


def polish(
    instance: Instance,
    calendar: Calendar,
    assignments: list[Assignment],
    standby: list[StandbyAssignment],
    rank: tuple[float, ...],
    *,
    rounds: int,
    seconds: float | None,
) -> Polished | None:
    """Fill the roster's open cells by hand for at most ``rounds`` rounds, each begun only while a round
    as long as the last still fits in ``seconds`` (None: no clock, for a repeatable solve); the best
    roster found if it ranks better than ``rank``, else None."""
    started = time.monotonic()
    duties, standing = keys_of_roster(calendar, assignments, standby)
    best: Polished | None = None

    def better(changed_duties: list[DutyKey], changed_standby: list[StandbyKey]) -> Polished | None:
        """The changed roster, ranked, if the checker finds no rule broken and ranks it above the best."""
        entries = roster_of_keys(calendar, changed_duties, changed_standby)
        changed_rank = ranking(instance, *entries)
        if changed_rank is None or changed_rank >= (rank if best is None else best.rank):
            return None
        return Polished(entries[0], entries[1], changed_rank)

    longest = 0.0
    for _ in range(rounds):
        if seconds is not None and time.monotonic() - started + longest > seconds:
            break
        round_started = time.monotonic()
        filled = fill_open_cells(calendar, duties, standing, move_cadres=True, up_to_target=True)
        found = better(filled.duties, filled.standby) if filled.added else None
        longest = max(longest, time.monotonic() - round_started)
        if found is None:
            break  # nothing more to fill, or nothing gained
        best, duties, standing = found, filled.duties, filled.standby
    # the fill hands the open cells to the least loaded who may take them; the loads are then balanced
    # by hand as before the fairness stage, in what time is left
    left = float("inf") if seconds is None else seconds - (time.monotonic() - started)
    if left > longest:
        balanced = balance_loads(calendar, duties, standing, left - longest)
        if balanced.moves:
            best = better(balanced.duties, balanced.standby) or best
    logger.info("polishing: %s, %.2f s", "kept" if best else "nothing better", time.monotonic() - started)
    return best


__all__ = ["Polished", "polish"]
