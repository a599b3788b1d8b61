"""The hand dispatch's passes: day by day, top-up to target, minimum hours, over demand and standby cells."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from models.instance import DemandRule, Instance
from models.roster import Assignment, StandbyAssignment
from scheduler.model.calendar import Calendar, Slot, shift_start, standby_wanted
from scheduler.model.variables import DutyKey, StandbyKey
from scheduler.search.dispatch.cadre import (
    DUTY,
    LOAD_SCALE,
    RISK_ORDER,
    STANDBY,
    WEEKEND_PRICE,
    WEEKEND_PRICE_STEPS,
    CadreState,
    Held,
    blocks,
    short_run,
    work_runs_of,
)
from scheduler.search.dispatch.units import Units
from scheduler.search.runs import work_days

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- cells


@dataclass
class Cell:
    """A demand cell (checkpoint, day, shift with the rule that applies) and who is on duty there."""

    checkpoint: str
    community: str
    high: bool
    slot: Slot
    rule: DemandRule
    holders: list[CadreState] = field(default_factory=list)

    def room(self) -> bool:
        return self.rule.max is None or len(self.holders) < self.rule.max

    def open_to(self, cadre: CadreState) -> bool:
        """Whether ``cadre`` may join the cell by who they are: its community, its risk, not on it yet."""
        return (self.community in cadre.communities and not (self.high and cadre.vulnerable)
                and cadre not in self.holders)

    def missing_skills(self) -> list[str]:
        return [
            skill
            for skill, need in sorted(self.rule.skills.items())
            if sum(1 for cadre in self.holders if skill in cadre.skills) < need
        ]


@dataclass
class StandbyCell:
    """Standby asked for one community, day and shift, and who stands by."""

    community: str
    slot: Slot
    wanted: int
    any_checkpoint: bool  # some checkpoint of the community has demand then (callability)
    low_checkpoint: bool  # ... one that is not high risk (for a vulnerable cadre)
    holders: list[CadreState] = field(default_factory=list)

    def open_to(self, cadre: CadreState) -> bool:
        """Whether ``cadre`` may stand by here by who they are: the community, a checkpoint a vulnerable
        cadre may be called to, not standing by here yet."""
        return (self.community in cadre.communities and cadre not in self.holders
                and (self.low_checkpoint or not cadre.vulnerable))


# --------------------------------------------------------------------------- the dispatcher


class Dispatcher:
    """The state of one dispatch: cadres, cells, units, and the passes over them."""

    def __init__(self, instance: Instance, calendar: Calendar) -> None:
        self.instance = instance
        self.calendar = calendar
        self.frontier = 0
        self.runs_taken_back = 0
        weekend_of = {day: index for index, group in enumerate(calendar.weekends()) for day in group}
        self.cadres = [
            CadreState(index, calendar.cadre_facts[cadre.id], calendar, weekend_of)
            for index, cadre in enumerate(instance.cadres)
        ]
        self.serving: dict[str, list[CadreState]] = {}
        for cadre in self.cadres:
            for community in cadre.facts.cadre.communities:
                self.serving.setdefault(community, []).append(cadre)
        self.units = Units(instance, calendar)
        self.run_rules = any(cadre.min_work >= 2 for cadre in self.cadres)
        objective = instance.objective
        self.night_weight = Fraction(str(objective.load_weights.night))
        self.risk_weight = Fraction(str(objective.load_weights.high_risk))
        self.standby_weight = Fraction(str(instance.standby.load_factor))
        self.cells_by_day, self.cells_of_community = self._cells()
        self.standby_by_day = self._standby_cells()
        self.cell_at = {(cell.checkpoint, cell.slot.day, cell.slot.shift): cell
                        for cells in self.cells_by_day for cell in cells}
        self.standby_at = {(cell.community, cell.slot.day, cell.slot.shift): cell
                           for cells in self.standby_by_day for cell in cells}
        # each community's cells and standby of a day, in the order of the day's
        self.cells_on: dict[tuple[str, int], list[Cell]] = {}
        for cells in self.cells_by_day:
            for cell in cells:
                self.cells_on.setdefault((cell.community, cell.slot.day), []).append(cell)
        self.standby_on: dict[tuple[str, int], list[StandbyCell]] = {}
        for standby_cells in self.standby_by_day:
            for standby_cell in standby_cells:
                self.standby_on.setdefault((standby_cell.community, standby_cell.slot.day), []).append(standby_cell)

    # -- setting up --------------------------------------------------------
    def _shift_order(self) -> dict[str, int]:
        shifts = sorted(enumerate(self.instance.shifts), key=lambda item: (shift_start(item[1]), item[0]))
        return {shift.id: position for position, (_, shift) in enumerate(shifts)}

    def _cells(self) -> tuple[list[list[Cell]], dict[str, list[Cell]]]:
        """Demand cells by day, each day in shift start order and high risk first; and by community."""
        calendar = self.calendar
        order = self._shift_order()
        position = {checkpoint.id: index for index, checkpoint in enumerate(self.instance.checkpoints)}
        by_day: list[list[Cell]] = [[] for _ in range(calendar.days)]
        by_community: dict[str, list[Cell]] = {}
        for (checkpoint_id, day, shift_id), rule in calendar.demand.items():
            checkpoint = calendar.checkpoints[checkpoint_id]
            cell = Cell(checkpoint_id, checkpoint.community, checkpoint.risk == "high",
                         calendar.slots[(day, shift_id)], rule)
            by_day[day].append(cell)
            by_community.setdefault(checkpoint.community, []).append(cell)
        for cells in by_day:
            cells.sort(key=lambda cell: (order[cell.slot.shift], RISK_ORDER[calendar.checkpoints[cell.checkpoint].risk],
                                         position[cell.checkpoint]))
        return by_day, by_community

    def _standby_cells(self) -> list[list[StandbyCell]]:
        calendar = self.calendar
        order = sorted(self._shift_order().items(), key=lambda item: item[1])
        demand_at: dict[tuple[str, int, str], list[bool]] = {}
        for (checkpoint_id, day, shift_id) in calendar.demand:
            checkpoint = calendar.checkpoints[checkpoint_id]
            demand_at.setdefault((checkpoint.community, day, shift_id), []).append(checkpoint.risk == "high")
        standby = self.instance.standby
        # the overrides that can match each community, in order (the last matching one wins)
        overrides = {
            community.id: standby.model_copy(update={"overrides": [
                override for override in standby.overrides if override.community in (None, community.id)
            ]})
            for community in self.instance.communities
        }
        by_day: list[list[StandbyCell]] = [[] for _ in range(calendar.days)]
        for day in range(calendar.days):
            when = calendar.date_of(day)
            for shift_id, _ in order:
                for community in self.instance.communities:
                    wanted = standby_wanted(overrides[community.id], community.id, when, shift_id)
                    if wanted <= 0:
                        continue
                    risks = demand_at.get((community.id, day, shift_id), [])
                    by_day[day].append(StandbyCell(community.id, calendar.slots[(day, shift_id)], wanted,
                                                    bool(risks), not all(risks)))
        return by_day

    # -- choosing and placing ------------------------------------------------
    def _may_hold(self, cadre: CadreState, slot: Slot) -> bool:
        return cadre.refusal(slot, self.frontier) is None and self.units.fits(cadre.unit, slot)

    def _ranked(self, pool: Iterable[CadreState]) -> list[CadreState]:
        if not self.run_rules:
            return sorted(pool, key=CadreState.rank)
        # a cadre in a run of work still too short is asked first: its run must go on today
        return sorted(pool, key=lambda cadre: (not self._must_go_on(cadre), *cadre.rank()))

    def _must_go_on(self, cadre: CadreState) -> bool:
        today = self.frontier - 1
        if cadre.min_work < 2 or today < 1 or not cadre.held.get(today - 1):
            return False
        first = today - 1
        while first > 0 and cadre.held.get(first - 1):
            first -= 1
        return first > 0 and today - first < cadre.min_work

    def _pick(self, pool: Iterable[CadreState], slot: Slot) -> CadreState | None:
        """The first cadre of ``pool`` in rank order who may hold ``slot``."""
        for cadre in self._ranked(pool):
            if self._may_hold(cadre, slot):
                return cadre
        return None

    def _duty_load(self, cell: Cell) -> int:
        weight = Fraction(cell.slot.minutes * LOAD_SCALE)
        if cell.slot.night:
            weight *= self.night_weight
        if cell.high:
            weight *= self.risk_weight
        return round(weight)

    def _place_duty(self, cadre: CadreState, cell: Cell) -> None:
        cadre.change(Held(cell.slot, DUTY, cell.checkpoint), 1, self._duty_load(cell))
        self.units.change(cadre.unit, cell.slot, 1)
        cell.holders.append(cadre)

    def _standby_load(self, slot: Slot) -> int:
        return round(Fraction(slot.minutes * LOAD_SCALE) * self.standby_weight)

    def _place_standby(self, cadre: CadreState, cell: StandbyCell) -> None:
        cadre.change(Held(cell.slot, STANDBY, cell.community), 1, self._standby_load(cell.slot))
        self.units.change(cadre.unit, cell.slot, 1)
        cell.holders.append(cadre)

    def _duty_pool(self, cell: Cell) -> list[CadreState]:
        return [cadre for cadre in self.serving.get(cell.community, []) if cell.open_to(cadre)]

    def _standby_pool(self, cell: StandbyCell) -> list[CadreState]:
        return [cadre for cadre in self.serving.get(cell.community, []) if cell.open_to(cadre)]

    # -- pass 1: minimum, skills first, then standby ---------------------------
    def fill(self, cell: Cell, goal: int) -> None:
        """Skill counts first, then up to ``goal`` cadres (never above ``max``)."""
        if cell.rule.max == 0:
            return  # no duty possible there (the model makes no variable)
        for skill in cell.missing_skills():
            need = cell.rule.skills[skill]
            while cell.room() and sum(1 for cadre in cell.holders if skill in cadre.skills) < need:
                holding = [cadre for cadre in self._duty_pool(cell) if skill in cadre.skills]
                chosen = self._pick(holding, cell.slot)
                if chosen is None:
                    break
                self._place_duty(chosen, cell)
        while cell.room() and len(cell.holders) < goal:
            chosen = self._pick(self._duty_pool(cell), cell.slot)
            if chosen is None:
                break
            self._place_duty(chosen, cell)

    def fill_standby(self, cell: StandbyCell) -> None:
        if not cell.any_checkpoint:
            return  # nobody could be called to a checkpoint then: no standby is callable
        pool = self._standby_pool(cell)
        while len(cell.holders) < cell.wanted:
            chosen = self._pick(pool, cell.slot)
            if chosen is None:
                break
            self._place_standby(chosen, cell)
            pool.remove(chosen)

    def close_short_runs(self, day: int) -> None:
        """Take back the runs of work that ended the day before ``day`` shorter than allowed.

        Called once ``day`` is dispatched: a cadre not rostered on ``day`` whose run of work ended on
        ``day - 1`` has a run with days off on both sides; if it began after day 0 and is shorter than
        ``min_consecutive_work_days``, nothing later can mend it, so it is taken back."""
        if not self.run_rules or day < 1:
            return
        for cadre in self.cadres:
            if cadre.min_work < 2 or cadre.held.get(day) or not cadre.held.get(day - 1):
                continue
            first = day - 1
            while first > 0 and cadre.held.get(first - 1):
                first -= 1
            if first == 0 or day - first >= cadre.min_work:
                continue
            for taken in range(first, day):
                for held in list(cadre.held.get(taken, ())):
                    self._remove(cadre, held)
            self.runs_taken_back += 1
            logger.debug("dispatch: %s's run of %d work days from day %d taken back (min_consecutive_work_days %d)",
                         cadre.id, day - first, first, cadre.min_work)

    def _remove(self, cadre: CadreState, held: Held) -> None:
        """Take one duty or standby back (no check: holding less never breaks a max rule)."""
        slot = held.slot
        if held.kind == DUTY:
            cell = self.cell_at[(held.place, slot.day, slot.shift)]
            cell.holders.remove(cadre)
            load = self._duty_load(cell)
        else:
            standby = self.standby_at[(held.place, slot.day, slot.shift)]
            standby.holders.remove(cadre)
            load = self._standby_load(slot)
        cadre.change(held, -1, load)
        self.units.change(cadre.unit, slot, -1)

    def _restore(self, cadre: CadreState, held: Held) -> None:
        """Put back what :meth:`_remove` took (it held before, so it holds again)."""
        slot = held.slot
        if held.kind == DUTY:
            self._place_duty(cadre, self.cell_at[(held.place, slot.day, slot.shift)])
        else:
            self._place_standby(cadre, self.standby_at[(held.place, slot.day, slot.shift)])

    def day_by_day(self) -> None:
        for day in range(self.calendar.days):
            self.frontier = day + 1
            for cell in self.cells_by_day[day]:
                self.fill(cell, cell.rule.min)
            for standby in self.standby_by_day[day]:
                self.fill_standby(standby)
            self.close_short_runs(day)
        self.frontier = self.calendar.days

    # -- pass 2: targets -------------------------------------------------------
    def top_up(self) -> None:
        """Cells still short of their minimum get a second chance (runs taken back free cadres), then
        standby, then every cell is topped up to its target."""
        every_cell = [cell for cells in self.cells_by_day for cell in cells]
        if self.runs_taken_back:
            for cell in every_cell:
                if len(cell.holders) < cell.rule.min or cell.missing_skills():
                    self.fill(cell, cell.rule.min)
            for day_cells in self.standby_by_day:
                for standby in day_cells:
                    self.fill_standby(standby)
        for cell in every_cell:
            if len(cell.holders) < cell.rule.target:
                self.fill(cell, cell.rule.target)

    # -- pass 3: minimum hours ---------------------------------------------------
    def reach_minimum_hours(self) -> list[str]:
        """Cadres under their pro-rated ``min_total_hours`` get duty where demand has room: below the
        minimum first, then below the target, then up to ``max`` (cheapest ``over_weight`` first).
        Under the shortest-run rules duty comes in blocks of days that keep every run long enough
        (see :meth:`_add_block`); where no cell has room a cadre claims one (see :meth:`_claim`).
        Returns the cadres left short."""
        short = []
        for cadre in self.cadres:
            if cadre.duty_minutes >= cadre.least_minutes:
                continue
            cells = [
                cell
                for community in cadre.facts.cadre.communities
                for cell in self.cells_of_community.get(community, [])
                if not (cell.high and cadre.vulnerable) and cell.rule.max != 0
            ]
            cells.sort(key=lambda cell: (shortness(cell), cell.rule.over_weight, cell.slot.start, cell.checkpoint))
            for cell in cells:
                if cadre.duty_minutes >= cadre.least_minutes:
                    break
                if cell.room() and cadre not in cell.holders and self._may_hold(cadre, cell.slot):
                    self._place_duty(cadre, cell)
            if cadre.min_off >= 2 or cadre.min_work >= 2:
                by_day: dict[int, list[Cell]] = {}
                for cell in cells:
                    by_day.setdefault(cell.slot.day, []).append(cell)
                dead: set[int] = set()
                while cadre.duty_minutes < cadre.least_minutes and self._add_block(cadre, by_day, dead):
                    pass
                self._lengthen(cadre, by_day)
                if cadre.duty_minutes < cadre.least_minutes and self._rebuild(cadre, by_day):
                    while cadre.duty_minutes < cadre.least_minutes and self._add_block(cadre, by_day, set()):
                        pass
                    self._lengthen(cadre, by_day)
            for cell in cells:
                if cadre.duty_minutes >= cadre.least_minutes:
                    break
                self._claim(cadre, cell)
            if cadre.duty_minutes < cadre.least_minutes:
                short.append(cadre.id)
        return short

    def _add_block(self, cadre: CadreState, by_day: dict[int, list[Cell]], dead: set[int]) -> bool:
        """Duty on a block of free days that leaves every run of work and of days off long enough
        (shortest blocks first, then earliest); False when no block fits. ``dead`` collects days on
        which no cell fits the cadre: holding more never frees them."""
        flags = [cadre.rostered(day) for day in range(self.calendar.days)]
        for first, last in blocks(flags, cadre.min_off, cadre.min_work):
            if any(day in dead for day in range(first, last + 1)):
                continue
            placed: list[Cell] = []
            for day in range(first, last + 1):
                cell = next((cell for cell in by_day.get(day, []) if cell.room() and cadre.blocked(cell.slot) is None
                             and self.units.fits(cadre.unit, cell.slot)), None)
                if cell is None:
                    if not placed or all(cadre.blocked(other.slot) for other in by_day.get(day, [])):
                        dead.add(day)
                    break
                self._place_duty(cadre, cell)
                placed.append(cell)
            flags_now = [cadre.rostered(day) for day in range(self.calendar.days)]
            if len(placed) == last - first + 1 and short_run(flags_now, cadre.min_off, cadre.min_work) is None:
                return True
            for cell in reversed(placed):
                self._remove(cadre, next(held for held in cadre.held[cell.slot.day] if held.kind == DUTY))
        return False

    def _rebuild(self, cadre: CadreState, by_day: dict[int, list[Cell]]) -> bool:
        """Lay the cadre's roster anew from the runs of a dynamic programme over the days, when the
        blocks added one after another leave it short of its minimum hours.

        Everything the cadre holds is given up; the programme (:func:`scheduler.search.runs.work_days`)
        picks the most work days that keep the shortest and longest runs and ``max_weekends``, on
        days where some cell fits; whole runs are then placed in order (a run that does not fit is
        left out: a longer run of days off) until the minimum is reached. The new roster is kept only
        if it holds more duty hours than the old one (then True)."""
        before = cadre.duty_minutes
        saved = [held for day in sorted(cadre.held) for held in list(cadre.held[day])]
        for held in saved:
            self._remove(cadre, held)
        open_days = {
            day
            for day, cells in by_day.items()
            if any(cell.room() and cadre.blocked(cell.slot) is None and self.units.fits(cadre.unit, cell.slot)
                   for cell in cells)
        }
        pattern = self._pattern(cadre, open_days)
        placed: list[Cell] = []
        for first, length in work_runs_of(pattern or []):
            if cadre.duty_minutes >= cadre.least_minutes:
                break
            run: list[Cell] = []
            for day in range(first, first + length):
                cell = next((cell for cell in by_day.get(day, []) if cell.room() and cadre.blocked(cell.slot) is None
                             and self.units.fits(cadre.unit, cell.slot)), None)
                if cell is None:
                    break
                self._place_duty(cadre, cell)
                run.append(cell)
            if len(run) < length:
                for cell in reversed(run):
                    self._remove(cadre, next(held for held in cadre.held[cell.slot.day] if held.kind == DUTY))
            else:
                placed.extend(run)
        flags = [cadre.rostered(day) for day in range(self.calendar.days)]
        if cadre.duty_minutes > before and short_run(flags, cadre.min_off, cadre.min_work) is None:
            for held in saved:  # what the cadre gave up goes to others where it can
                key = (held.place, held.slot.day, held.slot.shift)
                if held.kind == STANDBY:
                    self.fill_standby(self.standby_at[key])
                else:
                    self.fill(self.cell_at[key], self.cell_at[key].rule.target)
            logger.debug("dispatch: %s's roster laid anew from runs: %d -> %d duty minutes",
                         cadre.id, before, cadre.duty_minutes)
            return True
        for cell in reversed(placed):
            self._remove(cadre, next(held for held in cadre.held[cell.slot.day] if held.kind == DUTY))
        for held in saved:
            self._restore(cadre, held)
        return False

    def _pattern(self, cadre: CadreState, open_days: set[int]) -> list[bool] | None:
        """The most work days on ``open_days`` under the cadre's run rules and ``max_weekends``: a
        price per weekend worked is raised by bisection until the limit holds."""
        rules = cadre.facts.rules
        days = self.calendar.days
        weekends = self.calendar.weekends()
        starts = {day: group[0] for group in weekends for day in group}
        no_bonus = [0.0] * days

        def worked(pattern: list[bool]) -> int:
            return sum(1 for group in weekends if any(pattern[day] for day in group))

        pattern = work_days(days, open_days, rules, starts, 0.0, no_bonus)
        if pattern is None or rules.max_weekends is None or worked(pattern) <= rules.max_weekends:
            return pattern
        low, high, kept = 0.0, WEEKEND_PRICE, None
        for _ in range(WEEKEND_PRICE_STEPS):
            price = (low + high) / 2
            candidate = work_days(days, open_days, rules, starts, price, no_bonus)
            if candidate is not None and worked(candidate) <= rules.max_weekends:
                kept, high = candidate, price
            else:
                low = price
        return kept

    def _lengthen(self, cadre: CadreState, by_day: dict[int, list[Cell]]) -> None:
        """Trade duties for longer shifts on the same days (the runs stay as they are) while the cadre
        is under its minimum hours."""
        for day in sorted(cadre.held):
            for held in [item for item in cadre.held.get(day, []) if item.kind == DUTY]:
                if cadre.duty_minutes >= cadre.least_minutes:
                    return
                longer = [cell for cell in by_day.get(day, []) if cell.slot.minutes > held.slot.minutes]
                if not longer:
                    continue
                self._remove(cadre, held)
                cell = next((cell for cell in longer if cell.room() and self._may_hold(cadre, cell.slot)), None)
                if cell is None:
                    self._restore(cadre, held)
                else:
                    self._place_duty(cadre, cell)

    def _claim(self, cadre: CadreState, cell: Cell) -> bool:
        """Duty at ``cell`` for a cadre under its minimum hours, making room for it.

        The cadre's own standbys that day are given up (another cadre stands in where one can), and
        when the cell is full a holder who stays at or above its own minimum, and keeps its runs,
        gives way; the cell keeps its skill counts. Everything is put back when the duty still does
        not fit. Minimum hours are a hard rule, standby and who holds a cell are not."""
        if cadre in cell.holders:
            return False
        day = cell.slot.day
        removed: list[tuple[CadreState, Held]] = []
        for held in list(cadre.held.get(day, ())):
            if held.kind == STANDBY:
                self._remove(cadre, held)
                removed.append((cadre, held))
        if not cell.room():
            giver = self._giver(cadre, cell)
            if giver is not None:
                held = next(item for item in giver.held[day] if item.kind == DUTY and item.place == cell.checkpoint
                            and item.slot.shift == cell.slot.shift)
                self._remove(giver, held)
                removed.append((giver, held))
        if cell.room() and self._may_hold(cadre, cell.slot):
            self._place_duty(cadre, cell)
            for _, held in removed:
                if held.kind == STANDBY:
                    self.fill_standby(self.standby_at[(held.place, day, held.slot.shift)])
            logger.debug("dispatch: %s claims %s on day %d shift %s for its minimum hours (%d given up)",
                         cadre.id, cell.checkpoint, day, cell.slot.shift, len(removed))
            return True
        for other, held in reversed(removed):
            self._restore(other, held)
        return False

    def _giver(self, cadre: CadreState, cell: Cell) -> CadreState | None:
        """The holder of ``cell`` who can best give its duty to ``cadre``: most hours above its own
        minimum, not the only holder of a skill the cell needs that ``cadre`` lacks, and whose runs
        of work and days off stay long enough without that day."""
        for other in sorted(cell.holders, key=lambda item: (item.least_minutes - item.duty_minutes, item.index)):
            if any(
                skill in other.skills and skill not in cadre.skills
                and sum(1 for holder in cell.holders if skill in holder.skills) <= need
                for skill, need in cell.rule.skills.items()
            ):
                continue
            held = next(item for item in other.held[cell.slot.day] if item.kind == DUTY
                        and item.place == cell.checkpoint and item.slot.shift == cell.slot.shift)
            if other.removal_refusal(held) is None:
                return other
        return None

    # -- a roster made elsewhere ------------------------------------------------
    def hold(self, duties: Iterable[DutyKey], standby: Iterable[StandbyKey]) -> None:
        """Take on a whole roster (by the model's keys) as it stands, to change it by hand: no rule is
        checked (it passed the model's), and every run is closed (the whole horizon is rostered)."""
        by_id = {cadre.id: cadre for cadre in self.cadres}
        for key in duties:
            self._place_duty(by_id[key.cadre], self.cell_at[(key.checkpoint, key.day, key.shift)])
        for standby_key in standby:
            cell = self.standby_at[(standby_key.community, standby_key.day, standby_key.shift)]
            self._place_standby(by_id[standby_key.cadre], cell)
        self.frontier = self.calendar.days

    def keys(self) -> tuple[list[DutyKey], list[StandbyKey]]:
        """The roster held, by the model's keys."""
        duties: list[DutyKey] = []
        standby: list[StandbyKey] = []
        for cadre in self.cadres:
            for day, items in cadre.held.items():
                for held in items:
                    if held.kind == DUTY:
                        duties.append(DutyKey(cadre.id, day, held.slot.shift, held.place))
                    else:
                        standby.append(StandbyKey(cadre.id, day, held.slot.shift, held.place))
        return duties, standby

    # -- the roster ------------------------------------------------------------
    def roster(self) -> tuple[list[Assignment], list[StandbyAssignment]]:
        dates = self.calendar.dates
        order = self._shift_order()
        assignments: list[Assignment] = []
        standby: list[StandbyAssignment] = []
        for cadre in self.cadres:
            for day in sorted(cadre.held):
                for held in sorted(cadre.held[day], key=lambda item: order[item.slot.shift]):
                    if held.kind == DUTY:
                        assignments.append(Assignment(cadre=cadre.id, date=dates[day], shift=held.slot.shift,
                                                      checkpoint=held.place))
                    else:
                        standby.append(StandbyAssignment(cadre=cadre.id, date=dates[day], shift=held.slot.shift,
                                                         community=held.place))
        return assignments, standby


def shortness(cell: Cell) -> int:
    """0 below the minimum (or a skill short), 1 below the target, 2 at or above it."""
    if len(cell.holders) < cell.rule.min or cell.missing_skills():
        return 0
    return 1 if len(cell.holders) < cell.rule.target else 2
