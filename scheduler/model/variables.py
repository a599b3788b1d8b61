"""The typed container of decision variables.

A duty variable exists only where an assignment can happen: a cadre, a
checkpoint of one of the cadre's communities that the cadre may serve, a day
and shift where a demand rule applies and the cadre's fixed facts leave the
slot open. Standby variables likewise exist only where standby is wanted and
the cadre could be called to some checkpoint of that community.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.roster import Assignment, StandbyAssignment
from scheduler.model.calendar import Calendar, Slot

# A linear expression of the model, or a constant (what sums of variables give).
Expr = cp_model.LinearExpr | int


@dataclass(frozen=True)
class DutyKey:
    cadre: str
    day: int
    shift: str
    checkpoint: str


@dataclass(frozen=True)
class StandbyKey:
    cadre: str
    day: int
    shift: str
    community: str


@dataclass
class Variables:
    """Duty and standby booleans with the indexes rule modules need."""

    cp: cp_model.CpModel  # the CP-SAT model the variables live in
    calendar: Calendar
    duties: dict[DutyKey, cp_model.IntVar] = field(default_factory=dict)
    standbys: dict[StandbyKey, cp_model.IntVar] = field(default_factory=dict)
    # indexes
    duty_by_slot: dict[tuple[str, int, str], list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))
    standby_by_slot: dict[tuple[str, int, str], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    duty_by_cell: dict[tuple[str, int, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    standby_by_cell: dict[tuple[str, int, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    slots_of_cadre: dict[str, list[Slot]] = field(default_factory=lambda: defaultdict(list))
    duty_keys_of_cadre: dict[str, list[DutyKey]] = field(default_factory=lambda: defaultdict(list))
    standby_keys_of_cadre: dict[str, list[StandbyKey]] = field(default_factory=lambda: defaultdict(list))
    _rostered_day: dict[tuple[str, int], cp_model.IntVar | int] = field(default_factory=dict)
    _slots_on: dict[tuple[str, int], list[Slot]] = field(default_factory=dict)  # asked often by the rules
    # set by the model: whether the cadre can hold at most one shift on a day (rest and overlap)
    exclusive_day: Callable[[str, int], bool] = field(default=lambda cadre, day: False)

    # -- creation ---------------------------------------------------------
    def add_duty(self, cadre: str, day: int, shift: str, checkpoint: str) -> cp_model.IntVar:
        variable = self.cp.new_bool_var(f"duty[{cadre},{day},{shift},{checkpoint}]")
        key = DutyKey(cadre, day, shift, checkpoint)
        self.duties[key] = variable
        self.duty_keys_of_cadre[cadre].append(key)
        self._index_slot(cadre, day, shift)
        self.duty_by_slot[(cadre, day, shift)].append(variable)
        self.duty_by_cell[(checkpoint, day, shift)].append((cadre, variable))
        return variable

    def add_standby(self, cadre: str, day: int, shift: str, community: str) -> cp_model.IntVar:
        variable = self.cp.new_bool_var(f"standby[{cadre},{day},{shift},{community}]")
        key = StandbyKey(cadre, day, shift, community)
        self.standbys[key] = variable
        self.standby_keys_of_cadre[cadre].append(key)
        self._index_slot(cadre, day, shift)
        self.standby_by_slot[(cadre, day, shift)].append(variable)
        self.standby_by_cell[(community, day, shift)].append((cadre, variable))
        return variable

    def _index_slot(self, cadre: str, day: int, shift: str) -> None:
        if (cadre, day, shift) not in self.duty_by_slot and (cadre, day, shift) not in self.standby_by_slot:
            self.slots_of_cadre[cadre].append(self.calendar.slots[(day, shift)])
            self._slots_on.pop((cadre, day), None)

    # -- look-ups ---------------------------------------------------------
    def duty(self, cadre: str, day: int, shift: str, checkpoint: str) -> cp_model.IntVar | None:
        return self.duties.get(DutyKey(cadre, day, shift, checkpoint))

    def standby(self, cadre: str, day: int, shift: str, community: str) -> cp_model.IntVar | None:
        return self.standbys.get(StandbyKey(cadre, day, shift, community))

    def duties_of_cadre(self, cadre: str) -> list[tuple[DutyKey, cp_model.IntVar]]:
        return [(key, self.duties[key]) for key in self.duty_keys_of_cadre.get(cadre, [])]

    def standbys_of_cadre(self, cadre: str) -> list[tuple[StandbyKey, cp_model.IntVar]]:
        return [(key, self.standbys[key]) for key in self.standby_keys_of_cadre.get(cadre, [])]

    def duty_in_slot(self, cadre: str, day: int, shift: str) -> list[cp_model.IntVar]:
        return self.duty_by_slot.get((cadre, day, shift), [])

    def standby_in_slot(self, cadre: str, day: int, shift: str) -> list[cp_model.IntVar]:
        return self.standby_by_slot.get((cadre, day, shift), [])

    def slots_on(self, cadre: str, day: int) -> list[Slot]:
        """The slots of ``day`` where the cadre has a duty or standby variable, in shift order."""
        known = self._slots_on.get((cadre, day))
        if known is None:
            known = self._slots_on[(cadre, day)] = [
                slot
                for shift in self.calendar.shift_ids
                if (slot := self.calendar.slots.get((day, shift))) is not None
                and ((cadre, day, shift) in self.duty_by_slot or (cadre, day, shift) in self.standby_by_slot)
            ]
        return known

    def duty_minutes_on(self, cadre: str, day: int) -> Expr:
        return sum(
            slot.minutes * variable
            for slot in self.slots_on(cadre, day)
            for variable in self.duty_in_slot(cadre, day, slot.shift)
        )

    def duty_count_on(self, cadre: str, day: int, *, night_only: bool = False) -> Expr:
        return sum(
            variable
            for slot in self.slots_on(cadre, day)
            if slot.night or not night_only
            for variable in self.duty_in_slot(cadre, day, slot.shift)
        )

    def has_duty_on(self, cadre: str, day: int, *, night_only: bool = False) -> bool:
        return any(
            self.duty_in_slot(cadre, day, slot.shift)
            for slot in self.slots_on(cadre, day)
            if slot.night or not night_only
        )

    def standby_on(self, cadre: str, day: int, *, night_only: bool = False) -> list[tuple[Slot, cp_model.IntVar]]:
        return [
            (slot, variable)
            for slot in self.slots_on(cadre, day)
            if slot.night or not night_only
            for variable in self.standby_in_slot(cadre, day, slot.shift)
        ]

    def rostered_day(self, cadre: str, day: int) -> cp_model.IntVar | int:
        """1 exactly when the cadre holds a duty or standby starting on ``day`` (0 if none can)."""
        key = (cadre, day)
        if key not in self._rostered_day:
            held = [
                variable
                for slot in self.slots_on(cadre, day)
                for variable in self.duty_in_slot(cadre, day, slot.shift) + self.standby_in_slot(cadre, day, slot.shift)
            ]
            if not held:
                self._rostered_day[key] = 0
            elif len(held) == 1:
                self._rostered_day[key] = held[0]
            else:
                indicator = self.cp.new_bool_var(f"rostered[{cadre},{day}]")
                if self.exclusive_day(cadre, day):
                    # at most one of them can hold: the indicator is their sum (a tight linear link)
                    self.cp.add(indicator == sum(held))
                else:
                    self.cp.add_max_equality(indicator, held)
                self._rostered_day[key] = indicator
        return self._rostered_day[key]

    def any_of(self, name: str, variables: list[cp_model.IntVar]) -> cp_model.IntVar | int:
        """A boolean that must be 1 when any of ``variables`` is (free otherwise: use in <= constraints)."""
        if not variables:
            return 0
        if len(variables) == 1:
            return variables[0]
        indicator = self.cp.new_bool_var(name)
        for variable in variables:
            self.cp.add_implication(variable, indicator)
        return indicator

    def keys_set_in(self, solution: list[int]) -> tuple[list[DutyKey], list[StandbyKey]]:
        """The duties and standby a solution of the model (a value for every variable) sets."""
        duties = [key for key, variable in self.duties.items() if solution[variable.index]]
        standby = [key for key, variable in self.standbys.items() if solution[variable.index]]
        return duties, standby


def keys_of_roster(
    calendar: Calendar, assignments: Iterable[Assignment], standby: Iterable[StandbyAssignment]
) -> tuple[list[DutyKey], list[StandbyKey]]:
    """The roster file's entries as the model's keys (days by index): the inverse of :func:`roster_of_keys`."""
    duties = [DutyKey(item.cadre, calendar.day_of(item.date), item.shift, item.checkpoint) for item in assignments]
    standing = [StandbyKey(item.cadre, calendar.day_of(item.date), item.shift, item.community) for item in standby]
    return duties, standing


def roster_of_keys(
    calendar: Calendar, duties: Iterable[DutyKey], standby: Iterable[StandbyKey]
) -> tuple[list[Assignment], list[StandbyAssignment]]:
    """Duties and standby by the model's keys as the roster file's entries, in date, shift, place order."""
    assignments = [
        Assignment(cadre=key.cadre, date=calendar.date_of(key.day), shift=key.shift, checkpoint=key.checkpoint)
        for key in duties
    ]
    standing = [
        StandbyAssignment(cadre=key.cadre, date=calendar.date_of(key.day), shift=key.shift, community=key.community)
        for key in standby
    ]
    assignments.sort(key=lambda item: (item.date, item.shift, item.checkpoint, item.cadre))
    standing.sort(key=lambda item: (item.date, item.shift, item.community, item.cadre))
    return assignments, standing
