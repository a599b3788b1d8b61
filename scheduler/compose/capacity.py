"""A sound upper bound on the minimum demand an instance's cadres can cover, before any solve.

The bound is the optimum of a linear programme (CLP, or GLOP, through ortools) that relaxes the roster
problem: one variable per cadre, demand cell and slot where the cadre may
serve, bounded by 1, and only constraints every roster must satisfy:

- at most the cell's minimum counted (cover beyond the minimum buys nothing);
- slots whose intervals stretched by the rest time meet (overlap, or too
  little rest between them) hold at most one duty: one constraint per clique,
  at each slot start;
- ``max_duty_shifts_per_day``, ``max_hours_per_day``, the 7-day hours, duty
  hours and nights, ``max_total_hours``, ``max_shifts_by_type``;
- work days: every window of 7 days holds at most ``7 - min_days_off`` work
  days and every ``max_consecutive_work_days + 1`` days at most that many
  (fixed work days counted, so only the other days are limited);
- consecutive nights likewise; ``forbidden_successions``; ``max_weekends: 0``;
- at most ``max_away`` cadres of a unit on duty in a slot meeting its hours.

Every constraint holds for every roster, and fixed facts (unavailability,
unit hours, busy, history) close slots through the calendar, so the LP
optimum is never below what a roster covers: a warning is never raised for
an instance that can be covered. Standby, minimum hours and other rules that
only take capacity away are left out, which keeps the bound sound (merely
less tight). Cadres are split into groups that share no community; a cadre
shared by several communities is counted once within its group.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ortools.linear_solver import linear_solver_pb2, pywraplp

from models.instance import Instance
from scheduler.i18n import text
from scheduler.model.calendar import (
    MINUTES_PER_DAY,
    CadreFacts,
    Calendar,
    Slot,
    clock_minutes,
    hours_to_minutes,
    period_minutes,
    unit_workday,
)

logger = logging.getLogger(__name__)

# An LP optimum this close above an integer counts as that integer (the LP is solved in floating point).
LP_TOLERANCE = 1e-3

# A demand cell: (community, day, shift, high risk). Vulnerable cadres never serve high-risk cells.
Cell = tuple[str, int, str, bool]


@dataclass(frozen=True)
class Shortage:
    """A part of the minimum demand that no roster can cover: at least ``short`` cadre-shifts uncovered."""

    scope: str  # "communities" (one or several sharing cadres), "night" or "skill"
    communities: tuple[str, ...]
    demand: int  # minimum cadre-shifts (or skill places) asked there
    bound: int  # most that the cadres can give there
    skill: str | None = None

    @property
    def short(self) -> int:
        return self.demand - self.bound


@dataclass
class CapacityReport:
    """The bound for the whole instance and the places where it falls short of the minimum."""

    demand: int
    bound: int
    shortages: list[Shortage] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def short(self) -> int:
        return self.demand - self.bound

    def binding_communities(self) -> list[str]:
        """Communities named by a community shortage, largest shortage first."""
        seen: dict[str, None] = {}
        ordered = sorted((item for item in self.shortages if item.scope == "communities"), key=lambda s: -s.short)
        for shortage in ordered:
            for community in shortage.communities:
                seen.setdefault(community, None)
        return list(seen)


def demand_cells(calendar: Calendar, count: Callable[[str, int, str], int]) -> dict[Cell, int]:
    """The demand per cell, ``count(checkpoint, day, shift)`` summed over the checkpoints of a community."""
    cells: dict[Cell, int] = defaultdict(int)
    for (checkpoint_id, day, shift_id), _rule in calendar.demand.items():
        asked = count(checkpoint_id, day, shift_id)
        if asked > 0:
            checkpoint = calendar.checkpoints[checkpoint_id]
            cells[(checkpoint.community, day, shift_id, checkpoint.risk == "high")] += asked
    return dict(cells)


def _window_days(calendar: Calendar, length: int) -> Iterable[range]:
    """Every window of ``length`` days that ends inside the horizon (it may start before it)."""
    for last in range(calendar.days):
        yield range(last - length + 1, last + 1)


def _remaining(limit: int, used: int) -> int:
    return max(limit - used, 0)


class _Lp:
    """A maximisation LP with variables in [0, 1], built as a proto (the natural API is too slow here)."""

    def __init__(self) -> None:
        self.proto = linear_solver_pb2.MPModelProto(maximize=True)

    def variable(self) -> int:
        self.proto.variable.add(lower_bound=0.0, upper_bound=1.0, objective_coefficient=1.0)
        return len(self.proto.variable) - 1

    def at_most(self, variables: list[int], limit: float, coefficients: list[float] | None = None) -> None:
        """sum(coefficients * variables) <= limit, left out when it cannot bind (each variable is at most 1)."""
        if not variables:
            return
        weights = coefficients if coefficients is not None else [1.0] * len(variables)
        if sum(weights) <= limit:
            return
        row = self.proto.constraint.add(lower_bound=-math.inf, upper_bound=float(limit))
        row.var_index.extend(variables)
        row.coefficient.extend(weights)

    def optimum(self, values: list[float] | None = None) -> float | None:
        """The LP optimum; ``values``, when given, receives the value of every variable."""
        if not self.proto.constraint:
            if values is not None:
                values.extend([1.0] * len(self.proto.variable))
            return float(len(self.proto.variable))  # nothing binds: every variable at 1
        # CLP solves these LPs about twice as fast as GLOP here; both come with ortools
        for name in ("CLP", "GLOP"):
            solver = pywraplp.Solver.CreateSolver(name)
            if solver is None or solver.LoadModelFromProto(self.proto):
                continue
            status = solver.Solve()
            if status == pywraplp.Solver.OPTIMAL:
                if values is not None:
                    values.extend(variable.solution_value() for variable in solver.variables())
                return float(solver.Objective().Value())
            logger.info("capacity LP: %s ended with status %s", name, status)
        return None


class _CadreSlots:
    """The open slots of one cadre and the LP variables on each (one per cell it may fill there)."""

    def __init__(self, facts: CadreFacts) -> None:
        self.facts = facts
        self.by_slot: dict[tuple[int, str], list[int]] = defaultdict(list)

    def load(self, slots: Iterable[tuple[int, str]]) -> list[int]:
        return [variable for key in slots for variable in self.by_slot.get(key, [])]


class CapacityBound:
    """The LP bound of one instance; :meth:`bound` solves it for a selection of cells and cadres."""

    def __init__(self, instance: Instance, calendar: Calendar | None = None) -> None:
        self.instance = instance
        self.calendar = calendar or Calendar(instance)
        self.slots_by_day: dict[int, list[Slot]] = defaultdict(list)
        for slot in self.calendar.slots.values():
            self.slots_by_day[slot.day].append(slot)
        self.weekend_days = {day for weekend in self.calendar.weekends() for day in weekend}
        self._unit_slots = {unit.id: self._slots_in_unit_hours(unit.id) for unit in instance.units}
        self._usable: dict[tuple[str, int, str], bool] = {}

    def _slots_in_unit_hours(self, unit_id: str) -> list[tuple[int, str]]:
        """Slots that meet the unit's hours on one of its workdays (the day before may reach in)."""
        unit = self.calendar.units[unit_id]
        length = period_minutes(unit.hours.start, unit.hours.end)
        met: set[tuple[int, str]] = set()
        for day in range(-1, self.calendar.days):
            if not unit_workday(unit, self.calendar.date_of(day)):
                continue
            start = day * MINUTES_PER_DAY + clock_minutes(unit.hours.start)
            end = start + length
            for near in (day - 1, day, day + 1):
                for slot in self.slots_by_day.get(near, []):
                    if slot.start < end and start < slot.end:
                        met.add((slot.day, slot.shift))
        return sorted(met)

    def slot_usable(self, facts: CadreFacts, slot: Slot) -> bool:
        """Whether a duty in ``slot`` is possible at all for the cadre: fixed facts and single-duty limits."""
        key = (facts.cadre.id, slot.day, slot.shift)
        if key not in self._usable:
            rules = facts.rules
            self._usable[key] = not (
                not self.calendar.slot_open(facts, slot)
                or rules.max_duty_shifts_per_day == 0
                or (rules.max_shifts_by_type or {}).get(slot.shift) == 0
                or (rules.max_weekends == 0 and slot.day in self.weekend_days)
                or (slot.night and 0 in (rules.max_night_shifts_per_7_days, rules.max_consecutive_nights))
            )
        return self._usable[key]

    def bound(
        self, cells: dict[Cell, int], cadre_ids: Iterable[str], unfilled: dict[str, float] | None = None
    ) -> float:
        """Most of ``cells`` (demand per cell) that ``cadre_ids`` can cover together, as an LP optimum.
        ``unfilled``, when given, receives per community what one optimal LP solution leaves uncovered."""
        if not cells:
            return 0.0
        lp = _Lp()
        cells_at: dict[tuple[int, str], list[Cell]] = defaultdict(list)
        for cell in cells:
            cells_at[(cell[1], cell[2])].append(cell)
        by_cell: dict[Cell, list[int]] = defaultdict(list)
        cadres: list[_CadreSlots] = []
        by_unit: dict[str, list[_CadreSlots]] = defaultdict(list)
        for cadre_id in cadre_ids:
            facts = self.calendar.cadre_facts[cadre_id]
            cadre = facts.cadre
            served = set(cadre.communities)
            slots = _CadreSlots(facts)
            for key, at in cells_at.items():
                usable = [cell for cell in at if cell[0] in served and not (cell[3] and cadre.vulnerable)]
                if not usable or not self.slot_usable(facts, self.calendar.slots[key]):
                    continue
                for cell in usable:
                    variable = lp.variable()
                    slots.by_slot[key].append(variable)
                    by_cell[cell].append(variable)
            if slots.by_slot:
                cadres.append(slots)
                if cadre.unit is not None:
                    by_unit[cadre.unit].append(slots)
        for cell, variables in by_cell.items():
            lp.at_most(variables, cells[cell])
        for slots in cadres:
            self._cadre_constraints(lp, slots)
        for unit_id, members in by_unit.items():
            away = self.calendar.units[unit_id].max_away
            if away is None:
                continue
            for key in self._unit_slots[unit_id]:
                lp.at_most([variable for member in members for variable in member.by_slot.get(key, [])], away)
        values: list[float] = []
        optimum = lp.optimum(values)
        if unfilled is not None and optimum is not None:
            for cell, variables in by_cell.items():
                unfilled[cell[0]] = unfilled.get(cell[0], 0.0) + cells[cell] - sum(values[v] for v in variables)
            for cell in cells.keys() - by_cell.keys():
                unfilled[cell[0]] = unfilled.get(cell[0], 0.0) + cells[cell]
        if optimum is None:  # not expected for this bounded, feasible LP; the demand is a bound too, still sound
            logger.warning("capacity LP not solved; no capacity warning for these cells")
            return float(sum(cells.values()))
        return optimum

    def _cadre_constraints(self, lp: _Lp, slots: _CadreSlots) -> None:
        facts = slots.facts
        rules = facts.rules
        calendar = self.calendar
        open_keys = sorted(slots.by_slot, key=lambda key: calendar.slots[key].start)
        rest = facts.rest_minutes

        # the cadre's variables by day (all, their minutes, nights): windows are unions of days
        by_day: dict[int, list[int]] = defaultdict(list)
        minutes_by_day: dict[int, list[float]] = defaultdict(list)
        nights_by_day: dict[int, list[int]] = defaultdict(list)
        for key in open_keys:
            slot = calendar.slots[key]
            for variable in slots.by_slot[key]:
                by_day[slot.day].append(variable)
                minutes_by_day[slot.day].append(float(slot.minutes))
                if slot.night:
                    nights_by_day[slot.day].append(variable)

        def over(days: Iterable[int], table: dict[int, list[Any]]) -> list[Any]:
            return [item for day in days for item in table.get(day, ())]

        # one duty per slot and no two slots too close: cliques of stretched intervals, one per slot start
        reach = max((slot.minutes for slot in calendar.slots.values()), default=0) + rest
        for index, key in enumerate(open_keys):
            moment = calendar.slots[key].start
            clique = [key]
            for other in reversed(open_keys[:index]):
                if calendar.slots[other].start < moment - reach:
                    break  # sorted by start: nothing earlier can still be running or resting
                if moment < calendar.slots[other].end + rest:
                    clique.append(other)
            for other in open_keys[index + 1:]:
                if calendar.slots[other].start != moment:
                    break
                clique.append(other)  # same start: overlapping
            lp.at_most(slots.load(clique), 1)
        days_with_slots = sorted({day for day, _ in open_keys})
        per_day = rules.max_duty_shifts_per_day
        most_per_day = per_day if per_day is not None else len(calendar.shift_ids)
        daily = hours_to_minutes(rules.max_hours_per_day)
        longest = max((calendar.slots[key].minutes for key in open_keys), default=0)
        # limits that others already imply cannot bind: left out, for speed (leaving any out stays sound)
        per_day_minutes = longest * per_day if per_day is not None else None
        for day in days_with_slots:
            if per_day is not None:
                lp.at_most(by_day[day], per_day)
            if daily is not None:
                left = _remaining(daily, facts.fixed_minutes.get(day, 0))
                if per_day_minutes is None or per_day_minutes > left:
                    lp.at_most(by_day[day], left, minutes_by_day[day])

        # work days: a day's duties over the most it can hold is at most its work-day indicator
        day_share = 1.0 / max(most_per_day, 1)
        run_limits: list[tuple[int, int]] = []
        if rules.min_days_off_per_7_days is not None:
            run_limits.append((7, 7 - rules.min_days_off_per_7_days))
        if rules.max_consecutive_work_days is not None:
            run_limits.append((rules.max_consecutive_work_days + 1, rules.max_consecutive_work_days))
        for length, most in run_limits:
            for window in _window_days(calendar, length):
                fixed = sum(1 for day in window if day in facts.fixed_work_days)
                variables = over((day for day in window if day not in facts.fixed_work_days), by_day)
                lp.at_most(variables, _remaining(most, fixed), [day_share] * len(variables))
        weekly = hours_to_minutes(rules.max_hours_per_7_days)
        weekly_duty = hours_to_minutes(rules.max_duty_hours_per_7_days)
        nights = rules.max_night_shifts_per_7_days
        # every duty day is a work day, so a window holds at most week_days of them, each at most day_most
        day_most = longest * most_per_day if daily is None else min(longest * most_per_day, daily)
        week_days = 7 if rules.min_days_off_per_7_days is None else 7 - rules.min_days_off_per_7_days
        for window in _window_days(calendar, 7):
            window_most = min(week_days, sum(1 for day in window if day >= 0)) * day_most
            if weekly is not None:
                left = _remaining(weekly, sum(facts.fixed_minutes.get(day, 0) for day in window))
                if window_most > left:
                    lp.at_most(over(window, by_day), left, over(window, minutes_by_day))
            if weekly_duty is not None:
                left = _remaining(weekly_duty, sum(facts.fixed_duty_minutes.get(day, 0) for day in window))
                if window_most > left:
                    lp.at_most(over(window, by_day), left, over(window, minutes_by_day))
            if nights is not None:
                used = sum(facts.history_nights.get(day, 0) for day in window)
                lp.at_most(over(window, nights_by_day), _remaining(nights, used))
        longest_nights = rules.max_consecutive_nights
        night_shifts = sum(1 for shift in calendar.shifts.values() if shift.night)
        if longest_nights is not None and night_shifts:
            for window in _window_days(calendar, longest_nights + 1):
                used = sum(1 for day in window if facts.history_nights.get(day, 0))
                variables = over(window, nights_by_day)
                lp.at_most(variables, _remaining(longest_nights, used), [1.0 / night_shifts] * len(variables))
        total = hours_to_minutes(rules.max_total_hours)
        if total is not None:
            lp.at_most(over(days_with_slots, by_day), total, over(days_with_slots, minutes_by_day))
        for shift_id, most in (rules.max_shifts_by_type or {}).items():
            lp.at_most(slots.load(key for key in open_keys if key[1] == shift_id), most)
        for first, second in rules.forbidden_successions or []:
            if first in facts.history_duty_shifts_on(-1):
                lp.at_most(slots.load([(0, second)]), 0)
            for day in days_with_slots:
                lp.at_most(slots.load([(day, first), (day + 1, second)]), 1)


def community_groups(instance: Instance, communities: set[str]) -> list[list[str]]:
    """Communities with demand joined when a cadre may serve both (union-find), each group sorted."""
    parent = {community: community for community in communities}

    def root(community: str) -> str:
        while parent[community] != community:
            parent[community] = parent[parent[community]]
            community = parent[community]
        return community

    for cadre in instance.cadres:
        served = [community for community in cadre.communities if community in parent]
        for other in served[1:]:
            parent[root(other)] = root(served[0])
    groups: dict[str, list[str]] = defaultdict(list)
    for community in sorted(communities):
        groups[root(community)].append(community)
    return sorted(groups.values())


def cadres_serving(instance: Instance) -> dict[str, list[str]]:
    """The cadres who may serve each community."""
    serving: dict[str, list[str]] = defaultdict(list)
    for cadre in instance.cadres:
        for community in cadre.communities:
            serving[community].append(cadre.id)
    return serving


def skill_groups(instance: Instance, calendar: Calendar) -> Iterator[tuple[str, list[str], dict[Cell, int], list[str]]]:
    """Per skill asked and group of communities sharing its holders: (skill, the group, the skill
    places asked per cell there, the holders who may serve there)."""
    serving = cadres_serving(instance)
    for skill in sorted({skill for rule in calendar.demand.values() for skill in rule.skills}):
        def skill_count(checkpoint: str, day: int, shift: str, skill: str = skill) -> int:
            return calendar.demand[(checkpoint, day, shift)].skills.get(skill, 0)

        asked_skill = demand_cells(calendar, skill_count)
        for group in community_groups(instance, {cell[0] for cell in asked_skill}):
            members = set(group)
            cells = {cell: asked for cell, asked in asked_skill.items() if cell[0] in members}
            holders = sorted({cadre_id for community in group for cadre_id in serving[community]
                              if skill in calendar.cadre_facts[cadre_id].cadre.skills})
            yield skill, group, cells, holders


def _floor(value: float) -> int:
    return math.floor(value + LP_TOLERANCE)


def capacity_report(instance: Instance, calendar: Calendar | None = None) -> CapacityReport:
    """The bound per group of communities sharing cadres, per community inside a group, for night shifts
    and per skill; a shortage is listed wherever the minimum asked exceeds the bound."""
    started = time.monotonic()
    capacity = CapacityBound(instance, calendar)
    calendar = capacity.calendar
    minimum = demand_cells(calendar, lambda checkpoint, day, shift: calendar.demand[(checkpoint, day, shift)].min)
    serving = cadres_serving(instance)
    shortages: list[Shortage] = []
    total_demand = total_bound = 0
    for group in community_groups(instance, {cell[0] for cell in minimum}):
        members = set(group)
        cells = {cell: asked for cell, asked in minimum.items() if cell[0] in members}
        cadre_ids = sorted({cadre_id for community in group for cadre_id in serving[community]})
        demand = sum(cells.values())
        bound = min(_floor(capacity.bound(cells, cadre_ids)), demand)
        total_demand += demand
        total_bound += bound
        if bound < demand:
            shortages.append(Shortage("communities", tuple(group), demand, bound))
        if len(group) > 1 and bound < demand:
            for community in group:  # where inside the group: each community with every cadre it may use
                own = {cell: asked for cell, asked in cells.items() if cell[0] == community}
                own_demand = sum(own.values())
                own_bound = min(_floor(capacity.bound(own, serving[community])), own_demand)
                if own_bound < own_demand:
                    shortages.append(Shortage("communities", (community,), own_demand, own_bound))
        if bound >= demand:
            continue  # every cell can be filled, so every part of the group can be: nothing more to find
        night = {cell: asked for cell, asked in cells.items() if calendar.shifts[cell[2]].night}
        night_demand = sum(night.values())
        if night and night_demand < demand:
            night_bound = min(_floor(capacity.bound(night, cadre_ids)), night_demand)
            if night_bound < night_demand:
                shortages.append(Shortage("night", tuple(group), night_demand, night_bound))
    for skill, group, cells, holders in skill_groups(instance, calendar):
        demand = sum(cells.values())
        bound = min(_floor(capacity.bound(cells, holders)), demand)
        if bound < demand:
            shortages.append(Shortage("skill", tuple(group), demand, bound, skill=skill))
    seconds = time.monotonic() - started
    logger.info("capacity bound %d of %d minimum cadre-shifts in %.2f s", total_bound, total_demand, seconds)
    return CapacityReport(total_demand, total_bound, shortages, seconds)


def shortage_text(shortage: Shortage, lang: str = "en") -> str:
    """A shortage in words: how many minimum cadre-shifts must go uncovered at least, and where."""
    communities = ", ".join(shortage.communities)
    if shortage.scope == "skill":
        where = text(lang, "capacity_skill", skill=shortage.skill, communities=communities)
    elif shortage.scope == "night":
        where = text(lang, "capacity_night", communities=communities)
    elif len(shortage.communities) > 1:
        where = text(lang, "capacity_shared", communities=communities)
    else:
        where = text(lang, "capacity_community", communities=communities)
    return text(lang, "capacity_short", short=shortage.short, demand=shortage.demand, where=where,
                bound=shortage.bound)


def capacity_warnings(instance: Instance, calendar: Calendar | None = None, lang: str = "en") -> list[str]:
    """The pre-solve capacity warnings: one per shortage of :func:`capacity_report`."""
    return [shortage_text(shortage, lang) for shortage in capacity_report(instance, calendar).shortages]
