"""The changes file (``changes.json``): DESIGN.md section 7, the events of a day's replanning.

Shapes and single-object checks live in the classes; :func:`changes_issues`
checks what needs the instance (unknown cadres and checkpoints, dates outside
the horizon, events reaching into the past, duplicate events), each problem
with its JSON path. Applying the events is solver-side work
(:mod:`scheduler.repair.events`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator

from models.instance import (
    Cadre,
    Checkpoint,
    Contract,
    Count,
    Day,
    DemandRule,
    Hours,
    Identifier,
    Instance,
    LocalDateTime,
)
from models.references import Issue


class Absent(Contract):
    kind: Literal["absent"]
    cadre: Identifier = Field(description="Cadre id.")
    from_: Day = Field(alias="from", description="First date absent.")
    to: Day = Field(description="Last date absent (inclusive).")
    shifts: list[Identifier] | None = Field(
        default=None, description="Shifts missed on those dates; missing means the days wholly."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Absent:
        if self.to < self.from_:
            raise ValueError(f"'to' ({self.to.isoformat()}) must not be before 'from' ({self.from_.isoformat()})")
        return self


class Recalled(Contract):
    kind: Literal["recalled"]
    cadre: Identifier = Field(description="Cadre id taken back by the home unit.")
    from_: Day = Field(alias="from", description="First date away; unavailable to the horizon's end.")


class Joined(Contract):
    kind: Literal["joined"]
    cadre: Cadre = Field(description="The new cadre (section 3), available from now.")


class DemandChange(Contract):
    kind: Literal["demand"]
    checkpoint: Identifier = Field(description="Checkpoint id.")
    rule: DemandRule = Field(description="A demand rule with dates; it overrides undated rules there.")

    @model_validator(mode="after")
    def _dated(self) -> DemandChange:
        if not self.rule.dates:
            raise ValueError("a demand event's rule must list 'dates'")
        return self


class Opened(Contract):
    kind: Literal["opened"]
    checkpoint: Checkpoint = Field(description="The new checkpoint (section 3).")


class Closed(Contract):
    kind: Literal["closed"]
    checkpoint: Identifier = Field(description="Checkpoint id.")
    from_: Day = Field(alias="from", description="First date without demand.")


Event = Annotated[Absent | Recalled | Joined | DemandChange | Opened | Closed, Field(discriminator="kind")]


class Changes(Contract):
    now: LocalDateTime = Field(description="The moment of replanning YYYY-MM-DDTHH:MM (local time).")
    events: list[Event] = Field(default_factory=list, description="What happened.")
    notice_hours: Hours = Field(default=12, description="Hours after now inside which the roster is only patched.")
    max_changes: Count | None = Field(default=None, description="Most changes allowed (hard); null: no limit.")


def _dates_of(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


class _Checker:
    """Collects the issues of one changes file against its instance."""

    def __init__(self, changes: Changes, instance: Instance) -> None:
        self.changes = changes
        self.instance = instance
        self.issues: list[Issue] = []
        self.start = instance.horizon.start
        self.end = instance.horizon.start + timedelta(days=instance.horizon.days - 1)
        self.today = changes.now.date()
        self.cadres = {cadre.id for cadre in instance.cadres}
        self.checkpoints = {checkpoint.id for checkpoint in instance.checkpoints}
        self.communities = {community.id for community in instance.communities}
        self.units = {unit.id for unit in instance.units}
        self.shifts = {shift.id for shift in instance.shifts}

    def add(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def date_in_horizon(self, path: str, when: date, *, future: bool = True) -> None:
        if not self.start <= when <= self.end:
            self.add(path, f"date {when.isoformat()} is outside the horizon {self.start} to {self.end}")
        elif future and when < self.today:
            self.add(path, f"date {when.isoformat()} is before now ({self.today}): events never reach into the past")

    def known(self, path: str, what: str, value: str, known: set[str]) -> None:
        if value not in known:
            self.add(path, f"unknown {what} {value!r}")

    def shift_list(self, path: str, shifts: list[str] | None) -> None:
        for index, shift_id in enumerate(shifts or []):
            self.known(f"{path}[{index}]", "shift", shift_id, self.shifts)

    def run(self) -> list[Issue]:
        now = self.changes.now
        if not self.start <= now.date() <= self.end:
            self.add("now", f"{now:%Y-%m-%dT%H:%M} is outside the horizon {self.start} to {self.end}")
        opened = {event.checkpoint.id for event in self.changes.events if isinstance(event, Opened)}
        joined = {event.cadre.id for event in self.changes.events if isinstance(event, Joined)}
        seen: dict[tuple[object, ...], int] = {}
        for index, event in enumerate(self.changes.events):
            base = f"events[{index}]"
            for key in self.keys(event):
                if key in seen:
                    self.add(base, f"duplicate event: the same as events[{seen[key]}] ({key[0]} {key[1]})")
                    break
                seen[key] = index
            self.event(base, event, opened, joined)
        return self.issues

    @staticmethod
    def keys(event: Absent | Recalled | Joined | DemandChange | Opened | Closed) -> list[tuple[object, ...]]:
        """What an event decides; two events deciding the same thing are duplicates."""
        if isinstance(event, Absent):
            return [("absent", event.cadre, day, shift) for day in _dates_of(event.from_, event.to)
                    for shift in (event.shifts or ["*"])]
        if isinstance(event, Recalled):
            return [("recalled", event.cadre)]
        if isinstance(event, Joined):
            return [("joined", event.cadre.id)]
        if isinstance(event, Opened):
            return [("opened", event.checkpoint.id)]
        if isinstance(event, Closed):
            return [("closed", event.checkpoint)]
        return [("demand", event.checkpoint, day, shift) for day in event.rule.dates
                for shift in (event.rule.shifts if event.rule.shifts is not None else ["*"])]

    def event(
        self,
        base: str,
        event: Absent | Recalled | Joined | DemandChange | Opened | Closed,
        opened: set[str],
        joined: set[str],
    ) -> None:
        if isinstance(event, Absent):
            self.known(f"{base}.cadre", "cadre", event.cadre, self.cadres | joined)
            self.date_in_horizon(f"{base}.from", event.from_)
            self.date_in_horizon(f"{base}.to", event.to)
            self.shift_list(f"{base}.shifts", event.shifts)
        elif isinstance(event, Recalled):
            self.known(f"{base}.cadre", "cadre", event.cadre, self.cadres | joined)
            self.date_in_horizon(f"{base}.from", event.from_)
        elif isinstance(event, Closed):
            self.known(f"{base}.checkpoint", "checkpoint", event.checkpoint, self.checkpoints | opened)
            self.date_in_horizon(f"{base}.from", event.from_)
        elif isinstance(event, DemandChange):
            self.known(f"{base}.checkpoint", "checkpoint", event.checkpoint, self.checkpoints | opened)
            for position, when in enumerate(event.rule.dates):
                self.date_in_horizon(f"{base}.rule.dates[{position}]", when)
            self.shift_list(f"{base}.rule.shifts", event.rule.shifts)
        elif isinstance(event, Joined):
            cadre = event.cadre
            if cadre.id in self.cadres:
                self.add(f"{base}.cadre.id", f"cadre {cadre.id!r} is already in the instance")
            for position, community in enumerate(cadre.communities):
                self.known(f"{base}.cadre.communities[{position}]", "community", community, self.communities)
            if cadre.unit is not None:
                self.known(f"{base}.cadre.unit", "unit", cadre.unit, self.units)
            for position, entry in enumerate(cadre.unavailable):
                self.date_in_horizon(f"{base}.cadre.unavailable[{position}].date", entry.date, future=False)
                self.shift_list(f"{base}.cadre.unavailable[{position}].shifts", entry.shifts)
            for position, worked in enumerate(cadre.history):
                self.known(f"{base}.cadre.history[{position}].shift", "shift", worked.shift, self.shifts)
                if worked.date >= self.start:
                    self.add(f"{base}.cadre.history[{position}].date", "history must be before the horizon start")
        elif isinstance(event, Opened):
            checkpoint = event.checkpoint
            if checkpoint.id in self.checkpoints:
                self.add(f"{base}.checkpoint.id", f"checkpoint {checkpoint.id!r} is already in the instance")
            self.known(f"{base}.checkpoint.community", "community", checkpoint.community, self.communities)
            for rule_index, rule in enumerate(checkpoint.demand):
                self.shift_list(f"{base}.checkpoint.demand[{rule_index}].shifts", rule.shifts)


def changes_issues(changes: Changes, instance: Instance) -> list[Issue]:
    """Every problem of ``changes`` against ``instance``, each with its JSON path."""
    return _Checker(changes, instance).run()
