"""Sound lower bounds for the coverage, standby and target stages, by counting what cadres can give.

A search by neighbourhoods proves nothing about the whole roster, so on large
models CP-SAT gives these stages no bound. Counting does, in milliseconds:

- Each cadre's **duty capacity** ``D``: the most duties the cadre can hold over
  the horizon, days taken earliest first (optimal for limits that count over
  windows of consecutive days) under its open slots per day, duties per day,
  daily hours, work days per window (``min_days_off_per_7_days``,
  ``max_consecutive_work_days``), the 7-day hours and duty hours and total
  hours, each counted in the cadre's shortest open shift (so never too few).
- Each cadre's **work-period capacity** ``P``: duties and standby together.
  Standby counts as work for rest and work days (DESIGN.md section 3), so a
  day holds at most as many periods as its open slots allow with rest
  between them, and the cadre has at most as many work days as its windows
  allow.
- Communities are joined where a cadre may serve both; a group's cadres serve
  no other group. Per group, with ``M`` minimum persons, ``S`` standby asked
  and targets asked:
  coverage >= the cheapest ``M - sum D`` persons left uncovered;
  standby >= ``S - (sum P - duties the held coverage needs)``;
  target >= the cheapest targets left once the duties fit in
  ``min(sum D, sum P - standby the held standby needs)``.

- Skill places: per skill and group of communities sharing its holders,
  the places asked beyond the capacity LP's most
  (:mod:`scheduler.compose.capacity`) are missing in every roster, each at
  the cheapest risk weight asked there; the coverage part sums persons and
  skill places, so this adds to the persons' count.

Holding an earlier stage at the roster's value only shrinks the rosters
counted, and each count gives every roster at least as much as it can have:
a bound is never above the value of any roster with those earlier values.
Eligibility, nights, successions and unit presence are left out of the
counts, which keeps the bounds sound (merely less tight). Fairness is bounded by a linear
programme over loads built on the same capacities (:mod:`scheduler.search.fairness_bound`);
requests and continuity by 0: every part is at least 0.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from models.instance import Instance
from scheduler.compose.capacity import LP_TOLERANCE, CapacityBound, community_groups, skill_groups
from scheduler.model.calendar import CadreFacts, Calendar, Slot, hours_to_minutes, standby_wanted
from scheduler.model.objective import scaled
from scheduler.search.budget import Budget
from scheduler.search.fairness_bound import fairness_bound
from scheduler.search.settings import SETTINGS, SearchSettings

logger = logging.getLogger(__name__)

# The stages counted here (fairness by a linear programme over loads); the last is bounded by 0.
COUNTED_STAGES = ("coverage", "standby", "target", "fairness")


@dataclass
class _Group:
    """Communities joined by the cadres who may serve them, and what is asked there."""

    duty_capacity: int = 0
    period_capacity: int = 0
    minimum_weights: list[int] = field(default_factory=list)  # one scaled risk weight per minimum person
    skill_weight: int = 0  # the skill places asked, each at its scaled risk weight
    standby_asked: int = 0
    targets: list[tuple[int, int]] = field(default_factory=list)  # (scaled under-weight, cadres), per rule


def most_in_windows(caps: list[int], windows: Iterable[tuple[int, int, int]]) -> int:
    """The most units placed on days ``0..len(caps)-1``, at most ``caps[day]`` on a day and at most
    ``limit`` in each window ``(first, last, limit)`` of consecutive days. Taking each day as much as
    the windows still allow is optimal: a unit taken later can always move to an earlier day that the
    greedy filled, without breaking a window."""
    containing: dict[int, list[list[int]]] = defaultdict(list)
    for first, last, limit in windows:
        room = [limit]
        for day in range(max(first, 0), min(last, len(caps) - 1) + 1):
            containing[day].append(room)
    placed = 0
    for day, cap in enumerate(caps):
        rooms = containing.get(day, [])
        take = min([cap] + [room[0] for room in rooms])
        if take <= 0:
            continue
        for room in rooms:
            room[0] -= take
        placed += take
    return placed


class StageBounds:
    """Per-cadre capacities counted once per solve; :meth:`bound` counts a stage's bound from them."""

    def __init__(self, instance: Instance, calendar: Calendar, settings: SearchSettings = SETTINGS) -> None:
        started = time.monotonic()
        self.settings = settings
        self.calendar = calendar
        self.capacity = CapacityBound(instance, calendar)
        self.capacities: dict[str, tuple[int, int]] = {}  # each cadre's (duties, work periods), once
        self.groups = self._groups(instance)
        self.skills_short = self._skills_short(instance)
        self.seconds = time.monotonic() - started
        logger.info("stage bounds: %d groups of communities counted in %.2f s", len(self.groups), self.seconds)

    # ------------------------------------------------------------------ counting
    def _groups(self, instance: Instance) -> list[_Group]:
        calendar = self.calendar
        group_of = {community: index
                    for index, members in enumerate(community_groups(instance, {c.id for c in instance.communities}))
                    for community in members}
        groups: dict[int, _Group] = defaultdict(_Group)
        for cadre in instance.cadres:
            served = [community for community in cadre.communities if community in group_of]
            if not served:
                continue
            group = groups[group_of[served[0]]]
            duties, periods = self.cadre_capacity(calendar.cadre_facts[cadre.id])
            group.duty_capacity += duties
            group.period_capacity += periods
        for (checkpoint_id, _day, _shift), rule in calendar.demand.items():
            checkpoint = calendar.checkpoints[checkpoint_id]
            group = groups[group_of[checkpoint.community]]
            weight = scaled(getattr(instance.objective.risk_weights, checkpoint.risk))
            group.minimum_weights.extend([weight] * rule.min)
            group.skill_weight += weight * sum(rule.skills.values())
            under = scaled(rule.under_weight)
            if under and rule.target > 0:
                group.targets.append((under, rule.target))
        for community in instance.communities:
            group = groups[group_of[community.id]]
            for when in calendar.dates:
                for shift in calendar.shift_ids:
                    group.standby_asked += standby_wanted(instance.standby, community.id, when, shift)
        for group in groups.values():
            group.minimum_weights.sort()
        return list(groups.values())

    def _skills_short(self, instance: Instance) -> int:
        """The least the skill places left unfilled cost in the coverage part: per skill and group of
        communities sharing its holders, the places asked beyond the capacity LP's most (rounded down),
        each at the cheapest risk weight asked there."""
        calendar = self.calendar
        risk_weights = instance.objective.risk_weights
        weights: dict[tuple[str, str], list[int]] = defaultdict(list)  # each place's weight, by skill and community
        for (checkpoint_id, _day, _shift), rule in calendar.demand.items():
            checkpoint = calendar.checkpoints[checkpoint_id]
            for skill, asked in rule.skills.items():
                weights[(skill, checkpoint.community)].extend([scaled(getattr(risk_weights, checkpoint.risk))] * asked)
        cost = 0
        for skill, group, cells, holders in skill_groups(instance, calendar):
            short = sum(cells.values()) - int(self.capacity.bound(cells, holders) + LP_TOLERANCE)
            if short > 0:
                cost += sum(sorted(weight for community in group for weight in weights[(skill, community)])[:short])
        return cost

    def cadre_capacity(self, facts: CadreFacts) -> tuple[int, int]:
        """(most duties, most work periods) the cadre can hold over the horizon."""
        known = self.capacities.get(facts.cadre.id)
        if known is None:
            known = self.capacities[facts.cadre.id] = self._cadre_capacity(facts)
        return known

    def _cadre_capacity(self, facts: CadreFacts) -> tuple[int, int]:
        calendar, rules = self.calendar, facts.rules
        days = calendar.days
        open_by_day = self._open_by_day(facts)
        open_slots = [slot for slots in open_by_day for slot in slots]
        if not open_slots:
            return 0, 0
        shortest = min(slot.minutes for slot in open_slots)
        rest = facts.rest_minutes
        periods_by_day = [_most_apart(slots, rest) for slots in open_by_day]
        per_day = rules.max_duty_shifts_per_day
        daily = hours_to_minutes(rules.max_hours_per_day)
        duty_caps = []
        for day, most in enumerate(periods_by_day):
            cap = most if per_day is None else min(most, per_day)
            if daily is not None:
                cap = min(cap, max(daily - facts.fixed_minutes.get(day, 0), 0) // shortest)
            duty_caps.append(cap)
        # work days: a day holds a period only if it is a work day; fixed work days count in the windows
        day_windows = []
        for length, most in self._work_day_limits(facts):
            for last in range(days):
                first = last - length + 1
                fixed = sum(1 for day in range(first, last + 1) if day in facts.fixed_work_days)
                day_windows.append((first, last, max(most - fixed, 0)))
        open_day = [1 if periods and day not in facts.fixed_work_days else 0
                    for day, periods in enumerate(periods_by_day)]
        work_days = most_in_windows(open_day, day_windows)
        # periods: each work day holds at most its own most; the largest days counted (never too few)
        fixed_day_periods = sum(periods_by_day[day] for day in facts.fixed_work_days if 0 <= day < days)
        open_periods = sorted((periods for day, periods in enumerate(periods_by_day)
                               if day not in facts.fixed_work_days), reverse=True)
        periods_total = fixed_day_periods + sum(open_periods[:work_days])
        # duties: per day at most its cap; windows of work days (times duties a day), hours in shortest shifts
        duty_windows = []
        most_a_day = max(duty_caps, default=0)
        for first, last, limit in day_windows:
            open_in = sum(1 for day in range(max(first, 0), last + 1) if day not in facts.fixed_work_days)
            fixed_duty_days = sum(1 for day in range(max(first, 0), last + 1) if day in facts.fixed_work_days)
            duty_windows.append((first, last, (min(limit, open_in) + fixed_duty_days) * most_a_day))
        duty_windows.extend((first, last, minutes // shortest) for first, last, minutes in self._hour_windows(facts))
        duties = min(most_in_windows(duty_caps, duty_windows), periods_total)
        return duties, periods_total

    def duty_minutes_capacity(self, facts: CadreFacts) -> int:
        """The most duty minutes the cadre can hold over the horizon: per day its longest open slots (as
        many as its duties a day and the rest between them allow) within its daily hours, per 7 days its
        hours and duty hours, and its total hours. (The duty capacity counts duties in the shortest
        shift; a cadre limited in hours holds fewer long ones.)"""
        rules = facts.rules
        open_by_day = self._open_by_day(facts)
        per_day = rules.max_duty_shifts_per_day
        daily = hours_to_minutes(rules.max_hours_per_day)
        caps = []
        for day, slots in enumerate(open_by_day):
            most = _most_apart(slots, facts.rest_minutes) if slots else 0
            if per_day is not None:
                most = min(most, per_day)
            cap = sum(sorted((slot.minutes for slot in slots), reverse=True)[:most])
            if daily is not None:
                cap = min(cap, max(daily - facts.fixed_minutes.get(day, 0), 0))
            caps.append(cap)
        return most_in_windows(caps, self._hour_windows(facts))

    def _open_by_day(self, facts: CadreFacts) -> list[list[Slot]]:
        """Per day of the horizon, the slots where a duty is possible for the cadre at all."""
        days = self.calendar.days
        open_by_day: list[list[Slot]] = [[] for _ in range(days)]
        for (day, _shift), slot in self.calendar.slots.items():
            if 0 <= day < days and self.capacity.slot_usable(facts, slot):
                open_by_day[day].append(slot)
        return open_by_day

    def _hour_windows(self, facts: CadreFacts) -> list[tuple[int, int, int]]:
        """(first day, last day, duty minutes left) for every 7 days under the weekly hours and duty
        hours (less what fixed work already takes), and for the horizon under the total hours."""
        rules, days = facts.rules, self.calendar.days
        windows = []
        for limit_hours, fixed_by_day in ((rules.max_hours_per_7_days, facts.fixed_minutes),
                                          (rules.max_duty_hours_per_7_days, facts.fixed_duty_minutes)):
            weekly = hours_to_minutes(limit_hours)
            if weekly is None:
                continue
            for last in range(days):
                used = sum(fixed_by_day.get(day, 0) for day in range(last - 6, last + 1))
                windows.append((last - 6, last, max(weekly - used, 0)))
        total = hours_to_minutes(rules.max_total_hours)
        if total is not None:
            windows.append((0, days - 1, total))
        return windows

    @staticmethod
    def _work_day_limits(facts: CadreFacts) -> list[tuple[int, int]]:
        rules = facts.rules
        limits = []
        if rules.min_days_off_per_7_days is not None:
            limits.append((7, 7 - rules.min_days_off_per_7_days))
        if rules.max_consecutive_work_days is not None:
            limits.append((rules.max_consecutive_work_days + 1, rules.max_consecutive_work_days))
        return limits

    # ------------------------------------------------------------------ bounds
    def empty_value(self, stage: str, divisor: int = 1) -> float | None:
        """The part's value for an empty roster (its integer units over ``divisor``): all it asks; None
        past target."""
        if stage == "coverage":
            units = sum(sum(group.minimum_weights) + group.skill_weight for group in self.groups)
        elif stage == "standby":
            units = sum(group.standby_asked for group in self.groups)
        elif stage == "target":
            units = sum(weight * count for group in self.groups for weight, count in group.targets)
        else:
            return None
        return units / divisor

    def bound(self, stage: str, held: dict[str, int], budget: Budget | None = None) -> int:
        """The least value of ``stage``'s part (its integer units) that any roster can have whose earlier
        stages are at most ``held`` (same units); the fairness LP gets ``bound_share`` of what is left of
        ``budget`` in seconds (bound 0 past it), and runs to the end in deterministic units."""
        if stage not in COUNTED_STAGES:
            return 0
        if stage == "fairness":
            left = None if budget is None or budget.deterministic else budget.left()
            seconds = None if left is None else left * self.settings.bound_share
            return fairness_bound(self.calendar, self.cadre_capacity, self.duty_minutes_capacity,
                                  self.capacity.slot_usable, held, seconds)
        if stage == "coverage":
            return sum(self._coverage(group) for group in self.groups) + self.skills_short
        lowest = {"coverage": [self._coverage(group) for group in self.groups]}
        if stage == "standby":
            return sum(self._standby(group, self._slack(held, "coverage", lowest, index))
                       for index, group in enumerate(self.groups))
        lowest["standby"] = [self._standby(group, self._slack(held, "coverage", lowest, index))
                             for index, group in enumerate(self.groups)]
        return sum(self._target(group, self._slack(held, "standby", lowest, index))
                   for index, group in enumerate(self.groups))

    def _slack(self, held: dict[str, int], stage: str, lowest: dict[str, list[int]], index: int) -> int | None:
        """The most of ``stage``'s held value one group's persons (or standby) can have: the held value
        less the other groups' least, and for coverage less the skill places' least (None: not held)."""
        if stage not in held:
            return None
        others = sum(lowest[stage]) - lowest[stage][index] + (self.skills_short if stage == "coverage" else 0)
        return max(held[stage] - others, 0)

    @staticmethod
    def _coverage(group: _Group) -> int:
        """The cheapest persons of the minimum left uncovered when the cadres give all the duties they can."""
        short = len(group.minimum_weights) - group.duty_capacity
        return sum(group.minimum_weights[:short]) if short > 0 else 0

    @staticmethod
    def _most_short(group: _Group, coverage_slack: int | None) -> int:
        """The most persons of the minimum a roster can leave uncovered within ``coverage_slack``."""
        if coverage_slack is None:
            return len(group.minimum_weights)
        spent = short = 0
        for weight in group.minimum_weights:  # cheapest first
            if spent + weight > coverage_slack:
                break
            spent += weight
            short += 1
        return short

    def _standby(self, group: _Group, coverage_slack: int | None) -> int:
        duties_needed = len(group.minimum_weights) - self._most_short(group, coverage_slack)
        room = max(group.period_capacity - duties_needed, 0)
        return max(group.standby_asked - room, 0)

    @staticmethod
    def _target(group: _Group, standby_slack: int | None) -> int:
        standby_needed = 0 if standby_slack is None else max(group.standby_asked - standby_slack, 0)
        duties = max(min(group.duty_capacity, group.period_capacity - standby_needed), 0)
        cost = 0
        for weight, count in sorted(group.targets, reverse=True):  # the dearest targets filled first
            filled = min(count, duties)
            duties -= filled
            cost += weight * (count - filled)
        return cost


def _most_apart(slots: list[Slot], rest: int) -> int:
    """The most of ``slots`` (one day's) that one cadre can hold, each pair apart by the rest time."""
    ordered = sorted(slots, key=lambda slot: slot.start)
    for size in range(len(ordered), 1, -1):
        for chosen in combinations(ordered, size):
            if all(later.start >= earlier.end + rest for earlier, later in zip(chosen, chosen[1:], strict=False)):
                return size
    return min(len(ordered), 1)


def stage_bounds(instance: Instance, calendar: Calendar, settings: SearchSettings = SETTINGS) -> StageBounds | None:
    """The counted bounds for a lexicographic instance (a weighted one is bounded by CP-SAT alone)."""
    if instance.objective.mode != "lexicographic":
        return None
    return StageBounds(instance, calendar, settings)


__all__ = ["COUNTED_STAGES", "StageBounds", "most_in_windows", "stage_bounds"]
