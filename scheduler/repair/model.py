"""The repair model: the roster model of the updated instance, narrowed, with the rules of DESIGN.md section 7.

:class:`RepairModel` is :class:`~scheduler.model.roster_model.RosterModel` with
fewer variables: on days the events leave alone (and before ``now``) a cadre
may only keep or lose what the old roster gave; only on the *open* days (the
days the events touch, a day either side, from ``now``'s date on) may anyone
take anything. Every rule family is added as for a solve. Then
:func:`apply_repair_rules` adds the section 7 rules, a rule family of its own:

- frozen past: everything that starts before ``now`` is fixed as it was;
- notice: inside the notice window an old duty or standby is kept (a standby
  may be called to duty in its community), no standby is added, additions at a
  checkpoint only fill its shortfall (the persons below ``min`` plus the skilled
  cadres missing among those kept), and anyone but a called standby
  may be added only once every old standby of that community and shift who
  could serve there has been called;
- ``max_changes``: the changes the events did not force, at most that many.

:func:`changes_part` is the "few changes" objective: one per changed
(cadre, date, shift), weighted up near ``now``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ortools.sat.python import cp_model

from models.instance import DemandRule
from models.roster import Roster
from scheduler.model.calendar import Calendar, standby_wanted
from scheduler.model.objective import Part
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import Expr

MINUTES_PER_DAY = 24 * 60
# A change on the date of now weighs this much, the next day one less, and so on down to 1.
NEAR_WEIGHT = 3

Cell = tuple[str, int, str]  # cadre, day, shift
Entry = tuple[str, str]  # ("duty", checkpoint) or ("standby", community)


@dataclass
class RepairPlan:
    """The old roster as the model sees it, and the moments that matter."""

    old: dict[Cell, Entry]
    now_minute: int  # minutes since day 0 00:00
    notice_end: int
    open_days: set[int] | None  # None: every day from now's date on
    max_changes: int | None
    # days open to one cadre besides open_days: every day from now's date for one who joined (their
    # minimum hours need room), the days of new demand for the cadres of its community
    open_cadre_days: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        calendar: Calendar,
        old_roster: Roster,
        now: datetime,
        notice_hours: float,
        max_changes: int | None,
        open_days: set[int] | None,
    ) -> RepairPlan:
        old: dict[Cell, Entry] = {}
        for duty in old_roster.assignments:
            old[(duty.cadre, calendar.day_of(duty.date), duty.shift)] = ("duty", duty.checkpoint)
        for standby in old_roster.standby:
            old[(standby.cadre, calendar.day_of(standby.date), standby.shift)] = ("standby", standby.community)
        now_minute = calendar.day_of(now.date()) * MINUTES_PER_DAY + now.hour * 60 + now.minute
        return cls(old, now_minute, now_minute + round(notice_hours * 60), open_days, max_changes)

    @property
    def now_day(self) -> int:
        return self.now_minute // MINUTES_PER_DAY

    def weight(self, day: int) -> int:
        """What one change on ``day`` costs: more near now (DESIGN.md section 7, few changes)."""
        return max(1, NEAR_WEIGHT - max(day - self.now_day, 0))


@dataclass
class RepairModel(RosterModel):
    """The roster model with variables only where the repair may use them (see the module doc)."""

    plan: RepairPlan | None = None
    # where variables were left out on purpose: a cell kept from the old roster
    cell_vars: dict[Cell, list[tuple[Entry, cp_model.IntVar]]] = field(default_factory=lambda: defaultdict(list))

    def open_to_all(self, cadre_id: str, day: int, start: int) -> bool:
        plan = self.plan
        if plan is None:
            return True
        if start < plan.now_minute:
            return False
        return plan.open_days is None or day in plan.open_days or day in plan.open_cadre_days.get(cadre_id, ())

    def create_variables(self) -> None:
        calendar = self.calendar
        plan = self.plan
        checkpoints_of: dict[str, list[str]] = defaultdict(list)
        for checkpoint in self.instance.checkpoints:
            checkpoints_of[checkpoint.community].append(checkpoint.id)
        for cadre in self.instance.cadres:
            facts = self.facts(cadre.id)
            for slot in calendar.slots.values():
                if not calendar.slot_open(facts, slot) or not self.duty_possible(facts, slot):
                    continue
                free = self.open_to_all(cadre.id, slot.day, slot.start)
                kept = None if plan is None else plan.old.get((cadre.id, slot.day, slot.shift))
                for community in cadre.communities:
                    local = checkpoints_of.get(community, [])
                    callable_here = self._callable_here(kept, community, slot.start)
                    for checkpoint_id in local:
                        wanted = free or callable_here or kept == ("duty", checkpoint_id)
                        if wanted and self.may_serve(cadre.id, checkpoint_id, slot):
                            variable = self.vars.add_duty(cadre.id, slot.day, slot.shift, checkpoint_id)
                            self.cell_vars[(cadre.id, slot.day, slot.shift)].append((("duty", checkpoint_id), variable))
                    if not free and kept != ("standby", community):
                        continue
                    if standby_wanted(self.instance.standby, community, calendar.date_of(slot.day), slot.shift) <= 0:
                        continue
                    if any(self.may_serve(cadre.id, checkpoint_id, slot, ignore_max=True) for checkpoint_id in local):
                        variable = self.vars.add_standby(cadre.id, slot.day, slot.shift, community)
                        self.cell_vars[(cadre.id, slot.day, slot.shift)].append((("standby", community), variable))

    def _callable_here(self, kept: Entry | None, community: str, start: int) -> bool:
        """An old standby inside the notice window may be called to duty in its community."""
        plan = self.plan
        return (
            plan is not None
            and kept == ("standby", community)
            and plan.now_minute <= start < plan.notice_end
        )


def build_repair_model(instance_calendar: Calendar, plan: RepairPlan) -> RepairModel:
    """The repair model of the updated instance (its calendar given): variables, every rule family,
    then the rules of section 7."""
    from scheduler.model.roster_model import cycle_collection_paused
    from scheduler.model.rules import RULES

    roster_model = RepairModel(instance_calendar.instance, instance_calendar, plan=plan)
    with cycle_collection_paused():
        roster_model.create_variables()
        for rule in RULES:
            rule.apply(roster_model)
        apply_repair_rules(roster_model, plan)
    return roster_model


def _changed(roster_model: RepairModel, plan: RepairPlan) -> dict[Cell, tuple[Expr, bool]]:
    """Per cell that may differ from the old roster: (1 when it does, whether the events forced it)."""
    out: dict[Cell, tuple[Expr, bool]] = {}
    for cell, entry in plan.old.items():
        held = [variable for held_entry, variable in roster_model.cell_vars.get(cell, []) if held_entry == entry]
        if held:
            out[cell] = (1 - held[0], False)
        else:
            out[cell] = (1, True)  # the cadre can no longer hold it: the events struck it
    for cell, items in roster_model.cell_vars.items():
        if cell not in plan.old:
            out[cell] = (cp_model.LinearExpr.sum([variable for _, variable in items]), False)
    return out


def apply_repair_rules(roster_model: RepairModel, plan: RepairPlan) -> None:
    """Frozen past and notice (see the module doc); the budget is :func:`add_budget`."""
    model = roster_model.cp
    calendar = roster_model.calendar
    additions: dict[tuple[str, int, str], list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    kept: dict[tuple[str, int, str], list[str]] = defaultdict(list)  # checkpoint cell -> cadres kept there
    for cell, items in roster_model.cell_vars.items():
        cadre_id, day, shift_id = cell
        start = calendar.slots[(day, shift_id)].start
        old = plan.old.get(cell)
        if start < plan.now_minute:
            for entry, variable in items:  # frozen past: as it was
                model.add(variable == (1 if entry == old else 0))
            continue
        if start >= plan.notice_end:
            continue
        for entry, variable in items:
            if entry == old:
                if old[0] == "standby":
                    # kept, or called to duty in its community
                    called = [other for (kind, place), other in items if kind == "duty"
                              and calendar.checkpoints[place].community == old[1]]
                    model.add(variable + sum(called) == 1)
                else:
                    model.add(variable == 1)
                    kept[(entry[1], day, shift_id)].append(cadre_id)
            elif entry[0] == "standby":
                model.add(variable == 0)  # no standby is added inside the notice window
            else:
                additions[(entry[1], day, shift_id)].append((cadre_id, variable))
    old_standby: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for (cadre_id, day, shift_id), (kind, place) in plan.old.items():
        if kind == "standby":
            old_standby[(place, day, shift_id)].append(cadre_id)
    for (checkpoint_id, day, shift_id), added in additions.items():
        rule = calendar.demand.get((checkpoint_id, day, shift_id))
        room = shortfall_room(calendar, rule, kept[(checkpoint_id, day, shift_id)])
        model.add(sum(variable for _, variable in added) <= room)  # additions only fill a shortfall
        community = calendar.checkpoints[checkpoint_id].community
        standby_cadres = old_standby.get((community, day, shift_id), [])
        for cadre_id, variable in added:
            if cadre_id in standby_cadres:
                continue
            for standby_cadre in standby_cadres:
                if roster_model.vars.duty(standby_cadre, day, shift_id, checkpoint_id) is None:
                    continue  # could not serve here: no reason to call it first
                called = [
                    other for (kind, place), other in roster_model.cell_vars.get((standby_cadre, day, shift_id), [])
                    if kind == "duty" and calendar.checkpoints[place].community == community
                ]
                model.add(variable <= sum(called))  # callable standby first


def shortfall_room(calendar: Calendar, rule: DemandRule | None, kept: list[str]) -> int:
    """How many may be added where ``kept`` stay on duty: the persons below ``min`` plus the skilled
    cadres missing among those kept (inside the notice window additions only fill a shortfall)."""
    if rule is None:
        return 0
    room = max(0, rule.min - len(kept))
    for skill, count in rule.skills.items():
        holding = sum(1 for cadre_id in kept if skill in calendar.cadre_facts[cadre_id].cadre.skills)
        room += max(0, count - holding)
    return room


def add_budget(roster_model: RepairModel, plan: RepairPlan) -> None:
    """``max_changes``: the changes the events did not force, at most that many (hard)."""
    if plan.max_changes is not None:
        budgeted = [expr for expr, forced in _changed(roster_model, plan).values() if not forced]
        roster_model.cp.add(cp_model.LinearExpr.sum(budgeted) <= plan.max_changes)


def changes_part(roster_model: RepairModel, plan: RepairPlan) -> Part:
    """Changes from the old roster, each weighted by how near now it is."""
    changed = _changed(roster_model, plan)
    terms = [plan.weight(cell[1]) * expr for cell, (expr, forced) in changed.items() if not forced]
    most = sum(plan.weight(cell[1]) for cell in changed)
    return Part("changes", cp_model.LinearExpr.sum(terms) if terms else 0, 1, most)


def old_solution_hint(roster_model: RepairModel, plan: RepairPlan) -> dict[int, int]:
    """Variable index -> value of the old roster with whatever the events struck left out."""
    hint: dict[int, int] = {}
    for cell, items in roster_model.cell_vars.items():
        old = plan.old.get(cell)
        for entry, variable in items:
            hint[variable.index] = 1 if entry == old else 0
    return hint


def keep_old(model: cp_model.CpModel, roster_model: RepairModel, plan: RepairPlan) -> None:
    """On ``model`` (a clone of the repair model): every old entry still possible is kept, an old standby
    may be called to duty in its community; so only additions fill the gaps (a quick first repair)."""
    calendar = roster_model.calendar
    for cell, entry in plan.old.items():
        items = roster_model.cell_vars.get(cell, [])
        held = [variable for item_entry, variable in items if item_entry == entry]
        if not held:
            continue
        if entry[0] == "duty":
            model.add(held[0] == 1)
        else:
            called = [variable for (kind, place), variable in items
                      if kind == "duty" and calendar.checkpoints[place].community == entry[1]]
            model.add(held[0] + sum(called) == 1)
