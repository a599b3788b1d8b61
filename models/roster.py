"""The roster file (``roster.json``): DESIGN.md section 4."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.instance import Day

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


class RosterPart(BaseModel):
    """Base of the roster's objects: unknown keys are errors and every value has its JSON type (strict)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Assignment(RosterPart):
    cadre: str = Field(description="Cadre id.")
    date: Day = Field(description="Date the shift starts.")
    shift: str = Field(description="Shift id.")
    checkpoint: str = Field(description="Checkpoint id.")


class StandbyAssignment(RosterPart):
    cadre: str = Field(description="Cadre id.")
    date: Day = Field(description="Date the shift starts.")
    shift: str = Field(description="Shift id.")
    community: str = Field(description="Community the cadre stands by for.")


class Shortfall(RosterPart):
    checkpoint: str
    date: Day
    shift: str
    min: int = Field(description="The minimum asked for.")
    target: int = Field(description="The target asked for.")
    assigned: int = Field(description="Cadres on duty.")
    skills_missing: dict[str, int] = Field(default_factory=dict, description="Skill -> cadres missing.")
    reason: str = Field(default="", description="Why the minimum could not be met, in plain words.")


class StandbyShortfall(RosterPart):
    community: str
    date: Day
    shift: str
    count: int = Field(description="Standby cadres asked for.")
    assigned: int = Field(description="Standby cadres rostered.")
    reason: str = Field(default="", description="Why, in plain words.")


class Conflict(RosterPart):
    rule: str = Field(description="The rule that no roster can satisfy.")
    cadre: str | None = Field(default=None, description="The cadre concerned, if one.")
    message: str = Field(description="The contradiction in words.")


class Stage(RosterPart):
    part: str = Field(description="Objective part(s) optimised in this stage, e.g. 'coverage'.")
    value: float = Field(description="Value of the stage objective recomputed from the roster.")
    bound: float | None = Field(default=None, description="Best bound proven by the solver.")
    gap: float | None = Field(
        default=None,
        description="value - bound as a share: of the stage's value for an empty roster (all the minimum, "
        "standby or target asked) for coverage, standby and target; of the value for the later stages; "
        "0 when the value meets the bound.",
    )
    status: str = Field(description="Solver status of the stage.")
    seconds: float = Field(default=0.0, description="Wall-clock seconds of the stage.")


class ObjectiveReport(RosterPart):
    mode: Literal["lexicographic", "weighted"] = Field(default="lexicographic")
    total: float | list[float] | None = Field(
        description="Weighted mode: the weighted sum of the parts. Lexicographic mode: the vector of "
        "stage values in order (coverage, standby, target, fairness, requests+continuity)."
    )
    bound: float | list[float | None] | None = Field(
        default=None, description="The solver's best bound, in the shape of total."
    )
    parts: dict[str, float] = Field(default_factory=dict, description="Every part recomputed from the roster.")
    stages: list[Stage] = Field(default_factory=list, description="Lexicographic stages as solved.")


class SolverInfo(RosterPart):
    name: str = "ortools-cp-sat"
    version: str = ""
    seconds: float = 0.0
    workers: int = 0
    seed: int = 0
    deterministic: bool = Field(default=False, description="Deterministic time budget and interleaved search.")
    time_limit: float | None = Field(default=None, description="Budget in seconds (deterministic units if so).")
    interrupted: bool = Field(default=False, description="Stopped early by a time limit or Ctrl-C.")


def _absent(value: object) -> bool:
    """Optional fields of a repaired roster are left out of other rosters' files."""
    return value is None


class DutyCell(RosterPart):
    checkpoint: str = Field(description="On duty at this checkpoint.")


class StandbyCell(RosterPart):
    standby: str = Field(description="On standby for this community.")


class Change(RosterPart):
    """One (cadre, date, shift) whose duty, checkpoint or standby differs from the old roster."""

    cadre: str
    date: Day
    shift: str
    before: DutyCell | StandbyCell | None = Field(description="null, {checkpoint} or {standby}.")
    after: DutyCell | StandbyCell | None = Field(description="null, {checkpoint} or {standby}.")


class Roster(RosterPart):
    model_config = ConfigDict(extra="allow")

    instance: str | None = Field(default=None, description="The instance's name.")
    instance_sha256: str = Field(description="SHA-256 of the instance file's bytes.")
    status: Literal["optimal", "feasible", "infeasible", "unknown"]
    objective: ObjectiveReport
    solver: SolverInfo = Field(default_factory=SolverInfo)
    assignments: list[Assignment] = Field(default_factory=list)
    standby: list[StandbyAssignment] = Field(default_factory=list)
    shortfalls: list[Shortfall] = Field(default_factory=list)
    standby_shortfalls: list[StandbyShortfall] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    metrics: dict[str, Any] = Field(default_factory=dict)
    # a repaired roster (DESIGN.md section 7); a roster solved afresh leaves them out
    version: int | None = Field(
        default=None, exclude_if=_absent, description="The old roster's version plus 1 (a roster without one: 1)."
    )
    based_on: str | None = Field(default=None, exclude_if=_absent, description="SHA-256 of the old roster file.")
    changes: list[Change] | None = Field(
        default=None, exclude_if=_absent, description="Every difference from the old roster."
    )
