"""The CP-SAT model of a roster: variables, the rule families, the objective parts.

``RosterModel`` turns an instance into a ``cp_model.CpModel``: it creates the
duty and standby variables where an assignment can happen, lets every rule
module in :data:`scheduler.model.rules.RULES` add its constraints, and collects the
labelled objective parts of :mod:`scheduler.model.objective`.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.instance import Instance
from scheduler.model.calendar import CadreFacts, Calendar, Slot, hours_to_minutes, standby_wanted
from scheduler.model.variables import Expr, Variables

logger = logging.getLogger(__name__)


def remaining(limit: int, fixed: int) -> int:
    """What the roster may still add under a max ``limit`` when fixed facts already use ``fixed``.

    Fixed facts that break a limit by themselves are only a warning, but the
    roster may then add nothing to that window or run.
    """
    return max(limit - fixed, 0)


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while millions of long-lived objects are created.

    Building a model makes a variable or expression object per duty, and every
    collector pass walks all objects alive, so on large instances the passes
    add up to seconds (BENCHMARKS.md). Nothing built here is garbage, so
    nothing is lost by collecting afterwards. A collector already paused by
    the caller stays paused.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class RosterModel:
    """A CP-SAT model of one instance, built rule family by rule family."""

    instance: Instance
    calendar: Calendar
    cp: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    vars: Variables = field(init=False)
    # With soft_minimum_hours, min_total_hours is written with a deficit per cadre (minutes short)
    # instead of as a hard constraint: used to explain an infeasible instance.
    soft_minimum_hours: bool = False
    min_total_deficits: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # seconds each step of build() took: "calendar", "variables", then each rule family by module name
    build_seconds: dict[str, float] = field(default_factory=dict)
    _day_most: dict[tuple[str, int], int] = field(default_factory=dict)
    _exclusive: dict[tuple[str, int], bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.vars = Variables(self.cp, self.calendar, exclusive_day=self.exclusive_day)

    @classmethod
    def build(
        cls, instance: Instance, *, soft_minimum_hours: bool = False, calendar: Calendar | None = None
    ) -> RosterModel:
        """The model of ``instance``; ``calendar`` when given must be the instance's (its demand may differ)."""
        from scheduler.model.rules import RULES

        seconds: dict[str, float] = {}
        started = time.perf_counter()
        calendar = Calendar(instance) if calendar is None else calendar
        seconds["calendar"] = time.perf_counter() - started
        roster_model = cls(instance, calendar, soft_minimum_hours=soft_minimum_hours, build_seconds=seconds)
        with cycle_collection_paused():
            started = time.perf_counter()
            roster_model.create_variables()
            seconds["variables"] = time.perf_counter() - started
            for rule in RULES:
                name = rule.__name__.rsplit(".", 1)[-1]
                started = time.perf_counter()
                rule.apply(roster_model)
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started  # a family listed twice
        logger.info(
            "model: %d duty and %d standby variables, %d constraints",
            len(roster_model.vars.duties),
            len(roster_model.vars.standbys),
            len(roster_model.cp.proto.constraints),
        )
        return roster_model

    # -- variables --------------------------------------------------------
    def facts(self, cadre_id: str) -> CadreFacts:
        return self.calendar.cadre_facts[cadre_id]

    def duty_possible(self, facts: CadreFacts, slot: Slot) -> bool:
        """Limits that a single duty in ``slot`` would already break on its own."""
        rules = facts.rules
        if rules.max_duty_shifts_per_day == 0:
            return False
        by_type = rules.max_shifts_by_type or {}
        if by_type.get(slot.shift) == 0:
            return False
        daily = hours_to_minutes(rules.max_hours_per_day)
        fixed_today = facts.fixed_minutes.get(slot.day, 0)
        if daily is not None and slot.minutes > remaining(daily, fixed_today):
            return False
        for limit in (rules.max_total_hours, rules.max_duty_hours_per_7_days):
            minutes = hours_to_minutes(limit)
            if minutes is not None and slot.minutes > minutes:
                return False
        if slot.night and rules.max_night_shifts_per_7_days == 0:
            return False
        return not (slot.night and rules.max_consecutive_nights == 0)

    def create_variables(self) -> None:
        calendar = self.calendar
        instance = self.instance
        checkpoints_of: dict[str, list[str]] = {}
        for checkpoint in instance.checkpoints:
            checkpoints_of.setdefault(checkpoint.community, []).append(checkpoint.id)
        for cadre in instance.cadres:
            facts = self.facts(cadre.id)
            for slot in calendar.slots.values():
                if not calendar.slot_open(facts, slot) or not self.duty_possible(facts, slot):
                    continue
                for community in cadre.communities:
                    local = checkpoints_of.get(community, [])
                    for checkpoint_id in local:
                        if self.may_serve(cadre.id, checkpoint_id, slot):
                            self.vars.add_duty(cadre.id, slot.day, slot.shift, checkpoint_id)
                    if standby_wanted(instance.standby, community, calendar.date_of(slot.day), slot.shift) <= 0:
                        continue
                    # callable: some checkpoint there could take this cadre as a substitute (max ignored)
                    if any(self.may_serve(cadre.id, checkpoint_id, slot, ignore_max=True) for checkpoint_id in local):
                        self.vars.add_standby(cadre.id, slot.day, slot.shift, community)

    def may_serve(self, cadre_id: str, checkpoint_id: str, slot: Slot, *, ignore_max: bool = False) -> bool:
        """Demand applies there, its max is not 0, and a vulnerable cadre is kept from high risk."""
        rule = self.calendar.demand.get((checkpoint_id, slot.day, slot.shift))
        if rule is None or (rule.max == 0 and not ignore_max):
            return False
        cadre = self.facts(cadre_id).cadre
        return not (cadre.vulnerable and self.calendar.checkpoints[checkpoint_id].risk == "high")

    # -- bounds: constraints that cannot be broken are not added -------------
    def conflict(self, cadre_id: str, first: Slot, second: Slot) -> bool:
        """Whether one cadre can never hold both slots (overlap, or too little rest between them)."""
        rest = self.facts(cadre_id).rest_minutes
        if first.start > second.start:
            first, second = second, first
        return second.start < first.end + rest

    def exclusive_day(self, cadre_id: str, day: int) -> bool:
        """Whether the cadre can hold at most one of the shifts of ``day`` (every pair conflicts).

        Two slots conflict when their intervals stretched by the rest time, ``[start, end + rest)``,
        meet; intervals that meet pairwise share a point (Helly), so every pair conflicts exactly
        when the latest start comes before the earliest stretched end. Asked once variables exist.
        """
        key = (cadre_id, day)
        if key not in self._exclusive:
            slots = self.vars.slots_on(cadre_id, day)
            rest = self.facts(cadre_id).rest_minutes
            self._exclusive[key] = len(slots) < 2 or max(slot.start for slot in slots) < min(
                slot.end + rest for slot in slots
            )
        return self._exclusive[key]

    def day_most_minutes(self, cadre_id: str, day: int) -> int:
        """Most duty minutes (standby turned into duty included) the cadre can hold on ``day``."""
        key = (cadre_id, day)
        if key not in self._day_most:
            slots = self.vars.slots_on(cadre_id, day)
            facts = self.facts(cadre_id)
            longest = max((slot.minutes for slot in slots), default=0)
            most = longest if self.exclusive_day(cadre_id, day) else sum(slot.minutes for slot in slots)
            per_day = facts.rules.max_duty_shifts_per_day
            if per_day is not None:
                most = min(most, per_day * longest)
            daily = hours_to_minutes(facts.rules.max_hours_per_day)
            if daily is not None:
                most = min(most, max(daily - facts.fixed_minutes.get(day, 0), 0))
            self._day_most[key] = most
        return self._day_most[key]

    def most_work_days(self, cadre_id: str, days: range) -> int:
        """Most days of ``days`` that can hold a duty, given the work-day rules."""
        rules = self.facts(cadre_id).rules
        fixed = sum(1 for day in days if day in self.facts(cadre_id).fixed_work_days)
        most = len(days)
        if rules.min_days_off_per_7_days is not None and len(days) <= 7:
            most = min(most, max(7 - rules.min_days_off_per_7_days, fixed))
        longest = rules.max_consecutive_work_days
        if longest is not None and len(days) <= longest + 1:
            most = min(most, max(longest, fixed))
        return most

    def window_most_minutes(self, cadre_id: str, days: range) -> int:
        """Most duty minutes the cadre can hold over ``days`` (inside the horizon)."""
        per_day = sorted(
            (self.day_most_minutes(cadre_id, day) for day in days if 0 <= day < self.calendar.days), reverse=True
        )
        return sum(per_day[: self.most_work_days(cadre_id, days)])

    # -- helpers for rule modules -------------------------------------------
    def work_day(self, cadre_id: str, day: int) -> cp_model.IntVar | int:
        """1 when ``day`` is a work day of the cadre: fixed facts, or a duty or standby then."""
        if day in self.facts(cadre_id).fixed_work_days:
            return 1
        if 0 <= day < self.calendar.days:
            return self.vars.rostered_day(cadre_id, day)
        return 0

    def peak(self, name: str, items: list[tuple[int, cp_model.IntVar]]) -> Expr:
        """An expression at least ``max(coef * var)`` over ``items``: the largest single standby.

        Used for callability: a standby turned into duty adds its own amount to
        a window, and each standby is judged alone, so the worst one counts.
        """
        if not items:
            return 0
        coefficients = {coefficient for coefficient, _ in items}
        if len(coefficients) == 1:
            (coefficient,) = coefficients
            return coefficient * self.vars.any_of(name, [variable for _, variable in items])
        peak = self.cp.new_int_var(0, max(coefficients), name)
        for coefficient, variable in items:
            self.cp.add(peak >= coefficient * variable)
        return peak
