"""Load balancing by hand: a duty or standby handed from a more loaded cadre to a less loaded one.

What a planner does when a roster covers what it must but some people carry
more than others: the same checkpoint, day and shift (or the same standby)
goes to a colleague of the same group who carries less, where every rule
allows it. Each move keeps every cell's count and skills, so the coverage,
standby and target stages keep their values; it is a Pigou-Dalton transfer
(the pair ends closer than it began, neither overtakes the other by more
than the gap was), so the spread of load within the group shrinks.

The rules are checked by the hand dispatch's cadre states
(:mod:`scheduler.search.dispatch`), which charge a standby as a duty toward
every limit: stricter than the model, never looser. The roster model then
takes the balanced roster with every decision fixed (``CpSatRunner.accept``)
and keeps it only if its fairness value is lower, so nothing this module
misjudges can reach the roster.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.model.calendar import Calendar, fairness_group
from scheduler.model.variables import DutyKey, StandbyKey
from scheduler.search.dispatch.cadre import DUTY, CadreState, Held
from scheduler.search.dispatch.dispatcher import Cell, Dispatcher, StandbyCell

logger = logging.getLogger(__name__)


@dataclass
class Balanced:
    """The balanced roster by the model's keys, and how many items changed hands."""

    duties: list[DutyKey]
    standby: list[StandbyKey]
    moves: int


def balance_loads(
    calendar: Calendar, duties: Iterable[DutyKey], standby: Iterable[StandbyKey], seconds: float
) -> Balanced:
    """Hand duties and standby from the most loaded cadres of each fairness group to the least loaded
    who may take them, until no such move is left or ``seconds`` have passed."""
    started = time.monotonic()
    dispatcher = Dispatcher(calendar.instance, calendar)
    by_id = {cadre.id: cadre for cadre in dispatcher.cadres}
    for key in duties:
        dispatcher._place_duty(by_id[key.cadre], dispatcher.cell_at[(key.checkpoint, key.day, key.shift)])
    for standby_key in standby:
        cell = dispatcher.standby_at[(standby_key.community, standby_key.day, standby_key.shift)]
        dispatcher._place_standby(by_id[standby_key.cadre], cell)
    dispatcher.frontier = calendar.days  # the whole horizon is rostered: every run is closed
    balancer = _Balancer(dispatcher)
    groups: dict[str, list[CadreState]] = {}
    for cadre in dispatcher.cadres:
        if cadre.available_days > 0:
            groups.setdefault(fairness_group(cadre.facts.cadre), []).append(cadre)
    moves = 0
    deadline = started + seconds
    for members in sorted(groups.values(), key=len):  # small groups first: they take the least time
        if len(members) > 1:
            moves += balancer.balance(members, deadline)
    logger.info("balancing loads: %d duties and standby handed over, %.2f s", moves, time.monotonic() - started)
    return Balanced(*_keys(dispatcher), moves)


def _keys(dispatcher: Dispatcher) -> tuple[list[DutyKey], list[StandbyKey]]:
    duties: list[DutyKey] = []
    standby: list[StandbyKey] = []
    for cadre in dispatcher.cadres:
        for day, items in cadre.held.items():
            for held in items:
                if held.kind == DUTY:
                    duties.append(DutyKey(cadre.id, day, held.slot.shift, held.place))
                else:
                    standby.append(StandbyKey(cadre.id, day, held.slot.shift, held.place))
    return duties, standby


def _per_day(cadre: CadreState, change: int = 0) -> float:
    return (cadre.load_units + change) / cadre.available_days


class _Balancer:
    """The moves over one dispatcher's state."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    def balance(self, members: list[CadreState], deadline: float) -> int:
        """Moves within one group, the most loaded giver first, until none helps or the deadline."""
        moves = 0
        moved = True
        while moved and time.monotonic() < deadline:  # rounds: a move may open moves ruled out before
            moved = False
            exhausted: set[int] = set()  # givers that found no taker this round
            while time.monotonic() < deadline:
                ranked = sorted(members, key=_per_day)
                giver = next((cadre for cadre in reversed(ranked) if cadre.index not in exhausted), None)
                if giver is None:
                    break
                if self._hand_over(giver, ranked, deadline) is None:
                    exhausted.add(giver.index)
                else:
                    moves += 1
                    moved = True
        return moves

    def _hand_over(self, giver: CadreState, ranked: list[CadreState], deadline: float) -> CadreState | None:
        """Hand one of ``giver``'s items to the least loaded cadre who may take it; the taker, or None."""
        before = _per_day(giver)
        items = [held for day_items in giver.held.values() for held in day_items]
        items.sort(key=lambda held: -self._load(held))
        takers = [(_per_day(taker), taker) for taker in ranked]
        for held in items:
            if time.monotonic() >= deadline:
                return None
            if giver.removal_refusal(held) is not None:
                continue
            load = self._load(held)
            after = _per_day(giver, -load)
            for taker_before, taker in takers:
                if taker_before >= before or taker is giver:
                    break
                taker_after = _per_day(taker, load)
                # the pair must end closer than it began
                if abs(after - taker_after) >= before - taker_before:
                    continue
                if self._moved(giver, taker, held):
                    return taker
        return None

    def _load(self, held: Held) -> int:
        dispatcher = self.dispatcher
        slot = held.slot
        if held.kind == DUTY:
            return dispatcher._duty_load(dispatcher.cell_at[(held.place, slot.day, slot.shift)])
        return dispatcher._standby_load(slot)

    def _moved(self, giver: CadreState, taker: CadreState, held: Held) -> bool:
        """Move ``held`` from ``giver`` to ``taker`` if ``taker`` may hold it; whether it moved."""
        dispatcher = self.dispatcher
        slot = held.slot
        if taker.rostered(slot.day):
            return False  # one place a day keeps the check simple; a second shift that day is rare
        if held.kind == DUTY:
            cell = dispatcher.cell_at[(held.place, slot.day, slot.shift)]
            if not _may_serve(taker, giver, cell):
                return False
        else:
            standby = dispatcher.standby_at[(held.place, slot.day, slot.shift)]
            if not _may_stand_by(taker, standby):
                return False
        # the giver's own items never bear on the taker's rules; only a unit they share could
        if taker.refusal(slot, dispatcher.frontier) is not None:
            return False
        if taker.unit != giver.unit and not dispatcher.units.fits(taker.unit, slot):
            return False
        dispatcher._remove(giver, held)
        dispatcher._restore(taker, held)
        return True


def _may_serve(taker: CadreState, giver: CadreState, cell: Cell) -> bool:
    """Whether ``taker`` may take ``giver``'s place in ``cell``: community, risk, and no skill count
    falling below what the cell asks."""
    if cell.community not in taker.communities or (cell.high and taker.vulnerable) or taker in cell.holders:
        return False
    for skill in giver.skills - taker.skills:
        need = cell.rule.skills.get(skill, 0)
        if need and sum(1 for cadre in cell.holders if skill in cadre.skills) - 1 < need:
            return False
    return True


def _may_stand_by(taker: CadreState, cell: StandbyCell) -> bool:
    return (
        cell.community in taker.communities
        and taker not in cell.holders
        and (cell.low_checkpoint or not taker.vulnerable)
    )
