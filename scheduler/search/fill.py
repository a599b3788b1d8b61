"""Filling by hand: a kept roster's open cells given to the free cadres who may take them.

A search that improves one stage moves cadres about, and leaves cells that a
free cadre could fill: a checkpoint short of its minimum or its target, a
community short of standby. A planner fills those by hand, the least loaded
cadre first; so does this module, with the hand dispatch's rule checks
(:mod:`scheduler.search.dispatch`, which charge a standby as a duty toward
every limit). Where no free cadre may fill a cell below its minimum, a cadre
comes over from standby or from a cell above its minimum that day, or gives
up one entry within a week that keeps them out (a standby, or a duty above
its cell's minimum); a cell at its minimum may be left too where a free cadre
stands in there. Standby short is filled the same way from duties above the
minimum. A free cadre whom only the shortest runs keep out (a lone day off,
or of work, would be left) takes the open cell together with an open entry on
the day before or after. An earlier stage never loses what a later one gains; the roster
model still takes the result with every decision fixed before it is kept
(``CpSatRunner.accept``), and a stage keeps it only if it ranks better.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from scheduler.model.calendar import Calendar, Slot
from scheduler.model.variables import DutyKey, StandbyKey
from scheduler.search.dispatch.cadre import DUTY, STANDBY, CadreState, Held
from scheduler.search.dispatch.dispatcher import Cell, Dispatcher, StandbyCell

logger = logging.getLogger(__name__)


@dataclass
class Filled:
    """The filled roster by the model's keys, and how many duties and standby were added."""

    duties: list[DutyKey]
    standby: list[StandbyKey]
    added: int


def fill_open_cells(
    calendar: Calendar,
    duties: Iterable[DutyKey],
    standby: Iterable[StandbyKey],
    *,
    move_cadres: bool,
    up_to_target: bool,
) -> Filled:
    """Fill every checkpoint below its minimum (skills first) and every community short of standby;
    with ``move_cadres``, bring cadres over from standby or from cells above their minimum to
    cells still below it (the standby and target stages lose what the minimum gains), and from cells
    above their minimum to standby still open (targets lose what standby gains); with
    ``up_to_target``, fill every checkpoint below its target too (never above ``max``)."""
    started = time.monotonic()
    dispatcher = Dispatcher(calendar.instance, calendar)
    dispatcher.hold(duties, standby)
    held_before = _held(dispatcher)
    every_cell = [cell for cells in dispatcher.cells_by_day for cell in cells]
    moved = 0
    # (cadre, day, shift) that found no entry to pair with: more entries held never give it one, so
    # it is not tried again (a move that frees a cadre may, and is missed)
    unpaired: set[tuple[int, int, str]] = set()
    for cell in every_cell:
        if _short(cell):
            dispatcher.fill(cell, cell.rule.min)
            if _short(cell):
                _fill_in_pairs(dispatcher, cell, _short, up_to_target, unpaired)
            if move_cadres and _short(cell):
                moved += _cover_by_moves(dispatcher, cell)
            if move_cadres and _short(cell):
                moved += _cover_by_ejection(dispatcher, cell)
    for cells in dispatcher.standby_by_day:
        for standby_cell in cells:
            if len(standby_cell.holders) < standby_cell.wanted:
                dispatcher.fill_standby(standby_cell)
                _stand_by_in_pairs(dispatcher, standby_cell, up_to_target, unpaired)
                if move_cadres:
                    moved += _stand_by_moves(dispatcher, standby_cell)
                if move_cadres and len(standby_cell.holders) < standby_cell.wanted:
                    moved += _stand_by_ejection(dispatcher, standby_cell)
    if up_to_target:
        for cell in every_cell:
            if len(cell.holders) < cell.rule.target:
                dispatcher.fill(cell, cell.rule.target)
                if cell.rule.under_weight > 0 and _below_target(cell):
                    _fill_in_pairs(dispatcher, cell, _below_target, up_to_target, unpaired)
    added = _held(dispatcher) - held_before
    logger.info("filling by hand: %d added, %d moved to a cell below its minimum or to standby, %.2f s",
                added, moved, time.monotonic() - started)
    return Filled(*dispatcher.keys(), added + moved)


def _short(cell: Cell) -> bool:
    return len(cell.holders) < cell.rule.min or bool(cell.missing_skills())


def _below_target(cell: Cell) -> bool:
    return len(cell.holders) < cell.rule.target


def _fill_in_pairs(dispatcher: Dispatcher, cell: Cell, open_: Callable[[Cell], bool], up_to_target: bool,
                   unpaired: set[tuple[int, int, str]]) -> None:
    """For a cell still open (``open_``) once every cadre who may take it alone is used: a free cadre
    whom only the shortest runs keep out (``min_consecutive_days_off``: a lone day off would be left
    between two runs of work; ``min_consecutive_work_days``: a lone day of work) takes it together
    with an open cell or standby on the day before or after, which makes the runs long enough. The
    other day's entry improves a stage too: a cell below its minimum or a skill short, standby short,
    or (``up_to_target``) a cell below its target that charges for it."""
    day = cell.slot.day
    while open_(cell) and cell.room():
        missing = cell.missing_skills() if open_ is _short else []
        pool = [cadre for cadre in dispatcher._duty_pool(cell)
                if not cadre.held.get(day) and (not missing or missing[0] in cadre.skills)]
        if not _one_in_a_pair(dispatcher, pool, cell.slot, up_to_target, unpaired, lambda cadre: (
                partial(dispatcher._place_duty, cadre, cell),
                partial(dispatcher._remove, cadre, Held(cell.slot, DUTY, cell.checkpoint)))):
            return


def _stand_by_in_pairs(dispatcher: Dispatcher, cell: StandbyCell, up_to_target: bool,
                       unpaired: set[tuple[int, int, str]]) -> None:
    """As :func:`_fill_in_pairs`, for a community still short of standby."""
    day = cell.slot.day
    while cell.any_checkpoint and len(cell.holders) < cell.wanted:
        pool = [cadre for cadre in dispatcher._standby_pool(cell) if not cadre.held.get(day)]
        if not _one_in_a_pair(dispatcher, pool, cell.slot, up_to_target, unpaired, lambda cadre: (
                partial(dispatcher._place_standby, cadre, cell),
                partial(dispatcher._remove, cadre, Held(cell.slot, STANDBY, cell.community)))):
            return


def _one_in_a_pair(dispatcher: Dispatcher, pool: list[CadreState], slot: Slot, up_to_target: bool,
                   unpaired: set[tuple[int, int, str]],
                   entry: Callable[[CadreState], tuple[Callable[[], None], Callable[[], None]]]) -> bool:
    """Place the first cadre of ``pool`` (in rank order) who may hold the ``entry`` in ``slot`` alone, or
    with an open entry on the day before or after; whether one was placed."""
    for cadre in dispatcher._ranked(pool):
        tried = (cadre.index, slot.day, slot.shift)
        if tried in unpaired or cadre.blocked(slot) is not None or not dispatcher.units.fits(cadre.unit, slot):
            continue
        refused = cadre.refusal(slot, dispatcher.frontier)
        place, take_back = entry(cadre)
        place()
        if refused is None or _paired(dispatcher, cadre, slot.day, up_to_target):
            return True
        take_back()
        unpaired.add(tried)
    return False


def _paired(dispatcher: Dispatcher, cadre: CadreState, day: int, up_to_target: bool) -> bool:
    """Give ``cadre``, just placed on ``day``, an open entry on the day before or after that leaves
    no run too short; whether one was given."""
    for other in (day - 1, day + 1):
        if not 0 <= other < dispatcher.calendar.days or cadre.held.get(other):
            continue
        for slot, place, take_back in _open_entries(dispatcher, cadre, other, up_to_target):
            if cadre.blocked(slot) is not None or not dispatcher.units.fits(cadre.unit, slot):
                continue
            place()
            if not cadre.short_runs():
                return True
            take_back()
    return False


def _open_entries(dispatcher: Dispatcher, cadre: CadreState, day: int,
                  up_to_target: bool) -> Iterator[tuple[Slot, Callable[[], None], Callable[[], None]]]:
    """The entries ``cadre`` could add on ``day`` that improve a stage, the earliest stage first: each
    with its slot, how to place it and how to take it back."""
    communities = cadre.facts.cadre.communities
    cells = [cell for community in communities for cell in dispatcher.cells_on.get((community, day), ())
             if cell.room() and cell.open_to(cadre)]
    for cell in cells:
        if len(cell.holders) < cell.rule.min or any(skill in cadre.skills for skill in cell.missing_skills()):
            yield cell.slot, partial(dispatcher._place_duty, cadre, cell), partial(
                dispatcher._remove, cadre, Held(cell.slot, DUTY, cell.checkpoint))
    for standby_cell in (item for community in communities for item in dispatcher.standby_on.get((community, day), ())):
        if len(standby_cell.holders) < standby_cell.wanted and standby_cell.any_checkpoint \
                and standby_cell.open_to(cadre):
            yield standby_cell.slot, partial(dispatcher._place_standby, cadre, standby_cell), partial(
                dispatcher._remove, cadre, Held(standby_cell.slot, STANDBY, standby_cell.community))
    if up_to_target:
        for cell in cells:
            if cell.rule.min <= len(cell.holders) < cell.rule.target and cell.rule.under_weight > 0:
                yield cell.slot, partial(dispatcher._place_duty, cadre, cell), partial(
                    dispatcher._remove, cadre, Held(cell.slot, DUTY, cell.checkpoint))


def _cover_by_moves(dispatcher: Dispatcher, cell: Cell) -> int:
    """For a cell still below its minimum (or a skill short) once the free cadres are used: a cadre of
    its community who stands by that day, or is on duty that day where that cell keeps its minimum
    and skills without them, comes over (the minimum comes first); a standby so vacated goes to a
    free cadre if one may take it. How many came over."""
    moved = 0
    day = cell.slot.day
    while _short(cell) and cell.room():
        missing = cell.missing_skills()
        pool = [cadre for cadre in dispatcher._duty_pool(cell) if not missing or missing[0] in cadre.skills]
        for cadre in dispatcher._ranked(pool):
            items = cadre.held.get(day, [])
            if len(items) != 1:
                continue
            held = items[0]
            leaving = _leaving(dispatcher, cadre, held)
            if leaving is None:
                continue
            if held.kind == DUTY and cadre.duty_minutes - held.slot.minutes + cell.slot.minutes < cadre.least_minutes:
                continue
            if not _came_over(dispatcher, cadre, held, cell.slot, partial(dispatcher._place_duty, cadre, cell)):
                continue
            if not _stood_in(dispatcher, leaving):
                dispatcher._remove(cadre, Held(cell.slot, DUTY, cell.checkpoint))
                dispatcher._restore(cadre, held)
                continue
            if held.kind != DUTY:
                dispatcher.fill_standby(dispatcher.standby_at[(held.place, day, held.slot.shift)])
            moved += 1
            break
        else:
            return moved  # nobody can come over
    return moved


# Days either side of a short cell whose entries may be given up to free a cadre for it: a week, the
# reach of the 7-day limits (days off, hours) that most often keep a free cadre out.
EJECTION_REACH = 6


def _cover_by_ejection(dispatcher: Dispatcher, cell: Cell) -> int:
    """For a cell still short once free and same-day cadres are used: a cadre of its community free that
    day, whom one entry of theirs within a week keeps out (rest after a night standby, a seventh work
    day, weekly hours), gives that entry up and comes; a standby so given up goes to a free cadre if
    one may take it, a duty only where its cell keeps its minimum and skills. Nearest entries first.
    How many came."""
    moved = 0
    day = cell.slot.day
    while _short(cell) and cell.room():
        missing = cell.missing_skills()
        pool = [cadre for cadre in dispatcher._duty_pool(cell)
                if not cadre.held.get(day) and (not missing or missing[0] in cadre.skills)]
        if not _eject_for(dispatcher, cell, pool):
            return moved
        moved += 1
    return moved


def _eject_for(dispatcher: Dispatcher, cell: Cell, pool: list[CadreState]) -> bool:
    """The first cadre of ``pool`` (in rank order) who may take ``cell`` once one entry near it is given
    up; whether one came."""
    for cadre in dispatcher._ranked(pool):
        place = partial(dispatcher._place_duty, cadre, cell)
        given_up = _gives_up_one(dispatcher, cadre, _near(cadre, cell.slot.day, None), cell.slot, place,
                                 cell.slot.minutes)
        if given_up is not None:
            if given_up.kind != DUTY:  # a standby left open goes to a free cadre if one may take it
                slot = given_up.slot
                dispatcher.fill_standby(dispatcher.standby_at[(given_up.place, slot.day, slot.shift)])
            return True
    return False


def _stand_by_ejection(dispatcher: Dispatcher, cell: StandbyCell) -> int:
    """For a community still short of standby: a cadre of it free that day, whom one duty of theirs
    within a week keeps out, gives that duty up where its checkpoint keeps its minimum and skills (the
    target loses what standby gains), nearest first, and stands by. How many came."""
    if not cell.any_checkpoint:
        return 0
    moved = 0
    day = cell.slot.day
    while len(cell.holders) < cell.wanted:
        pool = [cadre for cadre in dispatcher._standby_pool(cell) if not cadre.held.get(day)]
        for cadre in dispatcher._ranked(pool):
            place = partial(dispatcher._place_standby, cadre, cell)
            if _gives_up_one(dispatcher, cadre, _near(cadre, day, DUTY), cell.slot, place, 0) is not None:
                moved += 1
                break
        else:
            return moved
    return moved


def _near(cadre: CadreState, day: int, kind: str | None) -> list[Held]:
    """The cadre's entries (of ``kind``, or all) within EJECTION_REACH days of ``day``, nearest first."""
    entries = [held for other in range(day - EJECTION_REACH, day + EJECTION_REACH + 1)
               for held in cadre.held.get(other, ()) if kind is None or held.kind == kind]
    return sorted(entries, key=lambda held: abs(held.slot.day - day))


def _gives_up_one(dispatcher: Dispatcher, cadre: CadreState, near: list[Held], slot: Slot,
                  place: Callable[[], None], added_minutes: int) -> Held | None:
    """The first entry of ``near`` the cadre may give up to be placed in ``slot`` (a duty only where its
    checkpoint keeps its minimum and skills, or a free cadre stands in for them there, and the minimum
    hours hold; no run left too short): the entry given up, or None."""
    for held in near:
        leaving = _leaving(dispatcher, cadre, held)
        if leaving is None:
            continue
        if held.kind == DUTY and cadre.duty_minutes - held.slot.minutes + added_minutes < cadre.least_minutes:
            continue
        if not _came_over(dispatcher, cadre, held, slot, place):
            continue
        # another day given up: the runs of work and of days off may now be too short
        if not cadre.short_runs() and _stood_in(dispatcher, leaving):
            return held
        dispatcher._remove(cadre, cadre.held[slot.day][-1])
        dispatcher._restore(cadre, held)
    return None


# Where a cadre gives up an entry: the duty's cell and who stands in there, or nothing to mend
Leaving = tuple[Cell, CadreState] | tuple[None, None]


def _leaving(dispatcher: Dispatcher, cadre: CadreState, held: Held) -> Leaving | None:
    """What giving up ``held`` asks: nothing (a standby, or a duty whose cell keeps its minimum and skill
    counts without the cadre), a free cadre standing in at the duty's cell, or None where nobody may."""
    if held.kind != DUTY:
        return None, None
    source = dispatcher.cell_at[(held.place, held.slot.day, held.slot.shift)]
    if _may_leave(source, cadre):
        return None, None
    stand_in = _stand_in(dispatcher, source, cadre)
    return None if stand_in is None else (source, stand_in)


def _stand_in(dispatcher: Dispatcher, source: Cell, leaving: CadreState) -> CadreState | None:
    """A free cadre who may take ``leaving``'s place in ``source``, a cell that would otherwise fall below
    its minimum or a skill count (the least loaded first), or None. The place is taken only once the
    one leaving has left (:func:`_stood_in`)."""
    day = source.slot.day
    needed = {skill for skill in leaving.skills
              if sum(1 for other in source.holders if skill in other.skills) - 1 < source.rule.skills.get(skill, 0)}
    pool = [cadre for cadre in dispatcher._duty_pool(source) if not cadre.held.get(day) and needed <= cadre.skills]
    for cadre in dispatcher._ranked(pool):
        if dispatcher._may_hold(cadre, source.slot):
            return cadre
    return None


def _stood_in(dispatcher: Dispatcher, leaving: Leaving) -> bool:
    """Place the stand-in ``leaving`` asks for, if any, where every rule still allows it; whether the
    cell the cadre left is mended (or needed nothing)."""
    source, stand_in = leaving
    if source is None or stand_in is None:
        return True
    if not source.room() or not dispatcher._may_hold(stand_in, source.slot):
        return False
    dispatcher._place_duty(stand_in, source)
    return True


def _stand_by_moves(dispatcher: Dispatcher, cell: StandbyCell) -> int:
    """For a community still short of standby once the free cadres are used: a cadre of it on duty
    that day where that checkpoint keeps its minimum and skills without them stands by instead
    (standby comes before targets). How many came over."""
    if not cell.any_checkpoint:
        return 0  # nobody could be called then: no standby is callable
    moved = 0
    day = cell.slot.day
    while len(cell.holders) < cell.wanted:
        pool = dispatcher._standby_pool(cell)
        for cadre in dispatcher._ranked(pool):
            items = cadre.held.get(day, [])
            if len(items) != 1 or items[0].kind != DUTY:
                continue
            held = items[0]
            if not _may_leave(dispatcher.cell_at[(held.place, day, held.slot.shift)], cadre):
                continue
            if cadre.duty_minutes - held.slot.minutes < cadre.least_minutes:
                continue
            if _came_over(dispatcher, cadre, held, cell.slot, partial(dispatcher._place_standby, cadre, cell)):
                moved += 1
                break
        else:
            return moved  # nobody can come over
    return moved


def _came_over(
    dispatcher: Dispatcher, cadre: CadreState, held: Held, slot: Slot, place: Callable[[], None]
) -> bool:
    """Give up ``held`` and ``place`` the cadre in ``slot`` instead, if every rule allows it there;
    otherwise hold ``held`` again. Whether the cadre came over."""
    dispatcher._remove(cadre, held)
    if cadre.refusal(slot, dispatcher.frontier) is None and dispatcher.units.fits(cadre.unit, slot):
        place()
        return True
    dispatcher._restore(cadre, held)
    return False


def _may_leave(source: Cell, cadre: CadreState) -> bool:
    """Whether ``cadre`` may leave ``source`` without taking it below its minimum or a skill count."""
    if len(source.holders) - 1 < source.rule.min:
        return False
    return all(
        sum(1 for other in source.holders if skill in other.skills) - 1 >= need
        for skill, need in source.rule.skills.items()
        if skill in cadre.skills
    )


def _held(dispatcher: Dispatcher) -> int:
    return sum(len(items) for cadre in dispatcher.cadres for items in cadre.held.values())
