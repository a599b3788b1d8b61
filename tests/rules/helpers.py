"""Tiny instances for the solver-side rule tests, and one call that solves and checks.

Defaults: the horizon starts 2024-01-01 (a Monday); one community ``c1``; one
low-risk checkpoint ``k1`` (risk weight 1, so the coverage stage value is the
number of missing cadres) whose demand is min 1, target 1, max 1 on every day
and shift; shift ``D`` 08:00-16:00 (8 h). ``N`` is 20:00-08:00 (12 h, night)
and ``E`` 18:00-22:00 (4 h) when a test asks for them. No standby and no
limits but the default ``max_duty_shifts_per_day`` 1.

:func:`solve_checked` solves with ``deterministic=True, workers=1, seed=0,
time_limit=5`` and asserts, for every roster, that the independent checker
finds no violation and that the composed roster file passes ``check``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from models.instance import Instance
from models.loading import parse_instance
from models.roster import Roster
from scheduler.checker import check, evaluate
from scheduler.checker.api import Evaluation
from scheduler.compose.roster import compose_roster
from scheduler.solver import Result, SolveOptions, solve

START = date(2024, 1, 1)  # a Monday

D = {"id": "D", "start": "08:00", "end": "16:00"}
N = {"id": "N", "start": "20:00", "end": "08:00", "night": True}
E = {"id": "E", "start": "18:00", "end": "22:00"}

STAGES = ("coverage", "standby", "target", "fairness", "requests+continuity")


def day(offset: int, start: date = START) -> str:
    """The date ``offset`` days after ``start`` (negative: before it), as YYYY-MM-DD."""
    return (start + timedelta(days=offset)).isoformat()


def demand(min_count: int = 1, target: int | None = None, max_count: int | None = -1, **fields: Any) -> dict[str, Any]:
    """A demand rule; ``max`` defaults to the target (so fairness cannot add extra duties), None lifts it."""
    target = min_count if target is None else target
    rule: dict[str, Any] = {"min": min_count, "target": target, **fields}
    if max_count == -1:
        rule["max"] = target
    elif max_count is not None:
        rule["max"] = max_count
    return rule


def checkpoint(checkpoint_id: str = "k1", community: str = "c1", risk: str = "low",
               rules: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"id": checkpoint_id, "community": community, "risk": risk,
            "demand": [demand()] if rules is None else rules}


def cadre(cadre_id: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("communities", ["c1"])
    return {"id": cadre_id, **fields}


def cadres(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [cadre(f"a{index}", **fields) for index in range(count)]


def instance(members: list[dict[str, Any]], *, days: int = 2, start: date = START,
             shifts: list[dict[str, Any]] | None = None, checkpoints: list[dict[str, Any]] | None = None,
             communities: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """An instance dict with the defaults above; ``extra`` sets rules, units, standby, objective."""
    return {
        "name": "rule-test",
        "horizon": {"start": start.isoformat(), "days": days},
        "shifts": [D] if shifts is None else shifts,
        "communities": [{"id": community} for community in (communities or ["c1"])],
        "checkpoints": [checkpoint()] if checkpoints is None else checkpoints,
        "cadres": members,
        **extra,
    }


OPTIONS = SolveOptions(time_limit=5, workers=1, seed=0, deterministic=True)


@dataclass
class Solved:
    instance: Instance
    result: Result
    evaluation: Evaluation
    roster: Roster

    @property
    def status(self) -> str:
        return self.result.status

    def value(self, stage: str) -> float:
        """The solver's value of a lexicographic stage (checked against the checker in solve_checked)."""
        for item in self.result.stages:
            if item.name == stage:
                assert item.value is not None, f"stage {stage} has no value"
                return item.value
        raise KeyError(stage)

    @property
    def values(self) -> list[float]:
        return list(self.evaluation.stage_values)

    @property
    def coverage(self) -> float:
        return self.evaluation.parts["coverage"]

    @property
    def standby_missing(self) -> float:
        return self.evaluation.parts["standby"]

    def duties(self, cadre_id: str | None = None, *, offset: int | None = None, shift: str | None = None,
               checkpoint_id: str | None = None) -> list[tuple[str, int, str, str]]:
        """(cadre, day offset, shift, checkpoint) of the duties matching the filters."""
        start = self.instance.horizon.start
        found = []
        for item in self.result.assignments:
            entry = (item.cadre, (item.date - start).days, item.shift, item.checkpoint)
            if cadre_id is not None and entry[0] != cadre_id:
                continue
            if offset is not None and entry[1] != offset:
                continue
            if shift is not None and entry[2] != shift:
                continue
            if checkpoint_id is not None and entry[3] != checkpoint_id:
                continue
            found.append(entry)
        return found

    def duty_days(self, cadre_id: str) -> list[int]:
        return sorted(entry[1] for entry in self.duties(cadre_id))

    def standbys(self, cadre_id: str | None = None) -> list[tuple[str, int, str, str]]:
        start = self.instance.horizon.start
        return [
            (item.cadre, (item.date - start).days, item.shift, item.community)
            for item in self.result.standby
            if cadre_id is None or item.cadre == cadre_id
        ]

    def per_cadre(self) -> Counter[str]:
        return Counter(item.cadre for item in self.result.assignments)


def solve_checked(data: dict[str, Any] | Instance, *, options: SolveOptions = OPTIONS,
                  expect: str | None = "optimal") -> Solved:
    """Solve, then assert the checker finds nothing wrong with the roster (and the status, if given)."""
    loaded = data if isinstance(data, Instance) else parse_instance(data)
    result = solve(loaded, options)
    if expect is not None:
        assert result.status == expect, (result.status, result.stages, result.conflicts)
    evaluation = evaluate(loaded, result.assignments, result.standby)
    if result.status != "infeasible":
        assert evaluation.violations == [], [str(violation) for violation in evaluation.violations]
    roster = compose_roster(loaded, "sha", result, options)
    report = check(loaded, roster)
    assert report.ok, report.lines()
    if result.status != "infeasible" and loaded.objective.mode == "lexicographic":
        # the solver's own stage values agree with the checker's recomputation (with the weights rounded to
        # hundredths, as the solver's model has them)
        solver_values = [item.value for item in result.stages]
        assert solver_values == pytest.approx(evaluation.solver_stage_values), (solver_values,
                                                                               evaluation.solver_stage_values)
    return Solved(loaded, result, evaluation, roster)
