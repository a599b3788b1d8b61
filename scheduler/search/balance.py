"""Load balancing by hand: a duty or standby handed from a more loaded cadre to a less loaded one.

What a planner does when a roster covers what it must but some people carry
more than others: the same checkpoint, day and shift (or the same standby)
goes to a colleague of the same group who carries less, where every rule
allows it; where one of the colleague's own lighter items within a week
keeps them out, the two exchange items. Each such move keeps every cell's
count and skills, so the coverage, standby and target stages keep their
values; it is a Pigou-Dalton transfer
(the pair ends closer than it began, neither overtakes the other by more
than the gap was), so the spread of load within the group shrinks.

Where communities differ, the spread lies between them, and a cadre who
serves several communities is the one bridge: such a giver takes a less
loaded colleague's standby in another of its communities, and the colleague,
the same day, takes a duty there where a checkpoint is short of its target.
The giver's duty it gives up leaves a cell still at its minimum and skills,
and the target part does not grow (the cell it leaves weighs no more than
the cell filled); both keep their work days, so no run of work or days off
changes.

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from scheduler.model.calendar import Calendar, fairness_group
from scheduler.model.objective import DEVIATION_STEPS, group_weights, target_cost
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
    """Hand duties and standby from the cadres most above their group's mean load to those most below
    it who may take them, until no such move is left or ``seconds`` have passed."""
    started = time.monotonic()
    dispatcher = Dispatcher(calendar.instance, calendar)
    dispatcher.hold(duties, standby)
    moves = _Balancer(dispatcher).balance(started + seconds)
    logger.info("balancing loads: %d duties and standby handed over, %.2f s", moves, time.monotonic() - started)
    return Balanced(*dispatcher.keys(), moves)


def _per_day(cadre: CadreState, change: int = 0) -> float:
    return (cadre.load_units + change) / cadre.available_days


class _Balancer:
    """The moves over one dispatcher's state.

    A cadre's place in its group is ``excess = load per available day / group mean - 1``. A move hands
    one item from a cadre to one of lower excess. Within a group the pair must end closer than it
    began (the spread of the group shrinks). Across groups (a dual cadre's community may be served
    by seconded cadres too) the pair's terms of the fairness part, each against its group's mean
    and weighed by its group's weight, must shrink: a dual cadre with a standby may take a
    seconded colleague's duty for it and end a little above the dual mean, far closer than before.
    """

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.loads: dict[Held, int] = {}  # each item's load units (exact fractions are slow to redo)
        self.group_of: dict[int, str] = {}
        self.members: dict[str, list[CadreState]] = {}
        for cadre in dispatcher.cadres:
            if cadre.available_days > 0:
                group = fairness_group(cadre.facts.cadre)
                self.group_of[cadre.index] = group
                self.members.setdefault(group, []).append(cadre)
        self.totals = {group: sum(_per_day(cadre) for cadre in members) for group, members in self.members.items()}
        self.weights = group_weights({group: len(members) for group, members in self.members.items()})
        self.moves = 0
        self.touched: dict[str, int] = {}  # per community, the count of moves when one last touched it

    def _mean(self, group: str) -> float:
        return self.totals[group] / len(self.members[group])

    def _excess(self, cadre: CadreState, change: int = 0) -> float:
        mean = self._mean(self.group_of[cadre.index])
        return _per_day(cadre, change) / mean - 1 if mean > 0 else 0.0

    def balance(self, deadline: float) -> int:
        """Rounds of moves: in each, every cadre, highest excess first, hands over at most one item;
        until a round moves nothing or the deadline."""
        moved = True
        # a giver that found no move is tried again only once a move touched one of its communities
        # (the means drift a little with every move, which alone seldom opens one): the late rounds
        # of a two-month town then cost a few givers, not all of them
        found_nothing_at: dict[int, int] = {}
        while moved and time.monotonic() < deadline:
            moved = False
            givers = sorted(
                (cadre for cadre in self.dispatcher.cadres if cadre.index in self.group_of and cadre.held),
                key=self._excess,
                reverse=True,
            )
            # a giver below its mean still hands on within its group to one further below (the pair
            # ends closer) and across groups where the pair's weighed spread shrinks: a community
            # whose seconded cadres all sit below their mean may still relieve a dual cadre of a standby
            for giver in givers:
                if time.monotonic() >= deadline:
                    break
                last_tried = found_nothing_at.get(giver.index)
                if last_tried is not None and all(
                    self.touched.get(community, -1) < last_tried for community in giver.communities
                ):
                    continue
                if self._hand_over(giver, deadline) or self._relieve_by_standby(giver, deadline):
                    moved = True
                    found_nothing_at.pop(giver.index, None)
                else:
                    found_nothing_at[giver.index] = self.moves
        return self.moves

    def _hand_over(self, giver: CadreState, deadline: float) -> bool:
        """Hand one of ``giver``'s items to the cadre of lowest excess who may take it; whether one went."""
        dispatcher = self.dispatcher
        before = self._excess(giver)
        items = [held for day_items in giver.held.values() for held in day_items]
        items.sort(key=lambda held: -self._load(held))
        ranked: dict[str, list[tuple[float, CadreState]]] = {}  # per community, lowest excess first
        for held in items:
            if time.monotonic() >= deadline:
                return False
            if giver.removal_refusal(held) is not None:
                continue
            load = self._load(held)
            community = held.place if held.kind != DUTY else dispatcher.cell_at[
                (held.place, held.slot.day, held.slot.shift)].community
            if community not in ranked:
                ranked[community] = sorted(
                    ((self._excess(cadre), cadre) for cadre in dispatcher.serving.get(community, [])
                     if cadre.index in self.group_of and cadre is not giver),
                    key=lambda pair: pair[0],
                )
            for taker_before, taker in ranked[community]:
                if taker_before >= before:
                    break
                # a taker rostered that day may swap: it gives the giver its one lighter item then
                if taker.rostered(held.slot.day):
                    that_day = taker.held[held.slot.day]
                    if len(that_day) != 1 or self._load(that_day[0]) >= load:
                        continue
                    partners: Iterable[Held | None] = [that_day[0]]
                else:
                    # a free taker takes it outright, or, where one of their lighter items within a week
                    # keeps them out (a standby that counts as duty toward the week's hours, a seventh
                    # work day), gives the giver that item for it
                    partners = self._outright_or_traded(taker, held, load)
                for partner in partners:
                    amount = load - (0 if partner is None else self._load(partner))
                    if self._closer(giver, taker, amount, before, taker_before) and self._moved(
                        giver, taker, held, partner
                    ):
                        self._made(giver, taker, amount)
                        return True
        return False

    def _made(self, giver: CadreState, taker: CadreState, amount: int) -> None:
        """Count a move that handed ``amount`` load units from ``giver`` to ``taker``."""
        self.totals[self.group_of[giver.index]] += _per_day(giver) - _per_day(giver, amount)
        self.totals[self.group_of[taker.index]] += _per_day(taker) - _per_day(taker, -amount)
        self.moves += 1
        for community in giver.communities | taker.communities:
            self.touched[community] = self.moves

    def _relieve_by_standby(self, giver: CadreState, deadline: float) -> bool:
        """For a giver serving several communities: take a less loaded colleague's standby in one of
        them, the colleague taking, that day, a duty of the same load where a checkpoint there is short
        of its target, and give up a duty of that day that its cell can spare (see the module doc).
        Whether a chain was made."""
        if len(giver.communities) < 2:
            return False
        dispatcher = self.dispatcher
        before = self._excess(giver)
        duties = [held for day_items in giver.held.values() for held in day_items if held.kind == DUTY]
        for held in sorted(duties, key=lambda held: -self._load(held)):
            if time.monotonic() >= deadline:
                return False
            day = held.slot.day
            left = dispatcher.cell_at[(held.place, day, held.slot.shift)]
            if not self._may_leave(giver, left):
                continue
            load = self._load(held)
            leaving = _target_change(left, -1)
            for community in sorted(giver.communities):
                for standby_cell in self._standby_on(community, day):
                    if not standby_cell.open_to(giver):
                        continue
                    for taker in list(standby_cell.holders):
                        if taker.index not in self.group_of or len(taker.held.get(day, ())) != 1:
                            continue
                        taker_before = self._excess(taker)
                        given_up = taker.held[day][0]
                        amount = load - self._load(given_up)
                        if taker_before >= before or amount <= 0 or not self._closer(
                            giver, taker, amount, before, taker_before
                        ):
                            continue
                        for cell in self._short_of_target(community, day, taker, load):
                            if leaving + _target_change(cell, 1) <= 0 and self._chained(
                                giver, held, taker, given_up, cell
                            ):
                                self._made(giver, taker, amount)
                                return True
        return False

    def _may_leave(self, giver: CadreState, cell: Cell) -> bool:
        """Whether ``cell`` keeps its minimum and skill counts without ``giver``, and the giver its
        minimum hours."""
        if len(cell.holders) - 1 < cell.rule.min or giver.duty_minutes - cell.slot.minutes < giver.least_minutes:
            return False
        for skill in giver.skills:
            need = cell.rule.skills.get(skill, 0)
            if need and sum(1 for cadre in cell.holders if skill in cadre.skills) - 1 < need:
                return False
        return True

    def _standby_on(self, community: str, day: int) -> list[StandbyCell]:
        return [cell for cell in self.dispatcher.standby_on.get((community, day), ()) if cell.holders]

    def _short_of_target(self, community: str, day: int, taker: CadreState, load: int) -> list[Cell]:
        """The cells of ``community`` on ``day`` below their target, with room, that ``taker`` may serve
        and whose duty weighs ``load`` (so that the group's total load stays as it was)."""
        return [
            cell for cell in self.dispatcher.cells_on.get((community, day), ())
            if len(cell.holders) < cell.rule.target and cell.room() and cell.open_to(taker)
            and self.dispatcher._duty_load(cell) == load
        ]

    def _chained(self, giver: CadreState, held: Held, taker: CadreState, given_up: Held, cell: Cell) -> bool:
        """Make the chain if both may hold what they get: the taker ``cell``'s duty for its standby
        ``given_up``, the giver that standby for ``held``. Whether it was made."""
        dispatcher = self.dispatcher
        standby_cell = dispatcher.standby_at[(given_up.place, given_up.slot.day, given_up.slot.shift)]
        dispatcher._remove(giver, held)
        dispatcher._remove(taker, given_up)
        if taker.refusal(cell.slot, dispatcher.frontier) is None and dispatcher.units.fits(taker.unit, cell.slot):
            dispatcher._place_duty(taker, cell)
            if giver.refusal(given_up.slot, dispatcher.frontier) is None and dispatcher.units.fits(
                giver.unit, given_up.slot
            ):
                dispatcher._place_standby(giver, standby_cell)
                return True
            dispatcher._remove(taker, Held(cell.slot, DUTY, cell.checkpoint))
        dispatcher._restore(taker, given_up)
        dispatcher._restore(giver, held)
        return False

    def _closer(self, giver: CadreState, taker: CadreState, amount: int, before: float, taker_before: float) -> bool:
        """Whether ``amount`` handed from ``giver`` to ``taker`` brings them closer: within a group the
        pair ends closer than it began; across groups neither crosses its group's mean."""
        after = self._excess(giver, -amount)
        taker_after = self._excess(taker, amount)
        if self.group_of[taker.index] == self.group_of[giver.index]:
            return abs(after - taker_after) < before - taker_before
        change = self._spread(giver, -amount) + self._spread(taker, amount) - self._spread(giver) - self._spread(taker)
        return change < 0

    def _spread(self, cadre: CadreState, change: int = 0) -> float:
        """The cadre's term of the fairness part's spread, in load units a day, times its group's
        weight, with its group's mean as it stands."""
        group = self.group_of[cadre.index]
        mean = self._mean(group)
        deviation = abs(_per_day(cadre, change) - mean)
        quarter = mean / 4
        convex = deviation
        for quarters in range(1, DEVIATION_STEPS + 1):
            beyond = deviation - quarters * quarter
            if beyond <= 0:
                break
            convex += beyond
        return self.weights[group] * convex

    def _outright_or_traded(self, taker: CadreState, held: Held, load: int) -> Iterator[Held | None]:
        """None (taken outright), then the taker's lighter items nearby, found only if asked for."""
        yield None
        yield from self._lighter_nearby(taker, held, load)

    def _lighter_nearby(self, taker: CadreState, held: Held, load: int) -> list[Held]:
        """The taker's items lighter than ``held`` on the other days of the weeks around its day,
        nearest first (the limits that keep a cadre out span at most 7 days)."""
        day = held.slot.day
        nearby = [
            (abs(other - day), item)
            for other in range(max(day - 6, 0), min(day + 7, taker.days))
            if other != day
            for item in taker.held.get(other, ())
            if self._load(item) < load
        ]
        return [item for _, item in sorted(nearby, key=lambda pair: pair[0])]

    def _load(self, held: Held) -> int:
        known = self.loads.get(held)
        if known is None:
            dispatcher = self.dispatcher
            slot = held.slot
            if held.kind == DUTY:
                known = dispatcher._duty_load(dispatcher.cell_at[(held.place, slot.day, slot.shift)])
            else:
                known = dispatcher._standby_load(slot)
            self.loads[held] = known
        return known

    def _moved(self, giver: CadreState, taker: CadreState, held: Held, partner: Held | None) -> bool:
        """Move ``held`` from ``giver`` to ``taker`` (and ``partner``, a lighter item of the taker's that
        day or within a week, to the giver) if both may hold what they get; whether it moved."""
        dispatcher = self.dispatcher
        if not self._may_hold(taker, giver, held):
            return False
        if partner is not None and not self._may_hold(giver, taker, partner):
            return False
        if partner is None:
            # the giver's own items never bear on the taker's rules; only a unit they share could
            if taker.refusal(held.slot, dispatcher.frontier) is not None:
                return False
            if taker.unit != giver.unit and not dispatcher.units.fits(taker.unit, held.slot):
                return False
            dispatcher._remove(giver, held)
            dispatcher._restore(taker, held)
            return True
        least_before = taker.duty_minutes >= taker.least_minutes
        dispatcher._remove(giver, held)
        dispatcher._remove(taker, partner)
        allowed = (
            taker.refusal(held.slot, dispatcher.frontier) is None
            and dispatcher.units.fits(taker.unit, held.slot)
            and giver.refusal(partner.slot, dispatcher.frontier) is None
            and dispatcher.units.fits(giver.unit, partner.slot)
        )
        if allowed:
            dispatcher._restore(taker, held)
            dispatcher._restore(giver, partner)
            # items of two days change hands: a run of work or days off of either may now be too short
            other_day = partner.slot.day != held.slot.day
            runs_kept = not other_day or not (giver.short_runs() or taker.short_runs())
            if runs_kept and (not least_before or taker.duty_minutes >= taker.least_minutes):
                return True
            dispatcher._remove(taker, held)
            dispatcher._remove(giver, partner)
        dispatcher._restore(giver, held)
        dispatcher._restore(taker, partner)
        return False

    def _may_hold(self, taker: CadreState, giver: CadreState, held: Held) -> bool:
        """Whether ``taker`` may take ``giver``'s ``held`` by who they are (the rules come after)."""
        slot = held.slot
        if held.kind == DUTY:
            return _may_serve(taker, giver, self.dispatcher.cell_at[(held.place, slot.day, slot.shift)])
        return self.dispatcher.standby_at[(held.place, slot.day, slot.shift)].open_to(taker)


def _may_serve(taker: CadreState, giver: CadreState, cell: Cell) -> bool:
    """Whether ``taker`` may take ``giver``'s place in ``cell``: community, risk, and no skill count
    falling below what the cell asks."""
    if not cell.open_to(taker):
        return False
    for skill in giver.skills - taker.skills:
        need = cell.rule.skills.get(skill, 0)
        if need and sum(1 for cadre in cell.holders if skill in cadre.skills) - 1 < need:
            return False
    return True


def _target_change(cell: Cell, change: int) -> int:
    """How much the target part changes when ``change`` cadres join ``cell``."""
    count = len(cell.holders)
    return target_cost(cell.rule, count + change) - target_cost(cell.rule, count)

