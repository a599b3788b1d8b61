"""construct: a first roster built cadre by cadre on the demand left over, and the solver's use of it."""

from __future__ import annotations

import logging

import pytest
from ortools.sat.python import cp_model

import scheduler.solver as solver_module
from models.instance import DemandRule, Instance
from models.loading import parse_instance
from models.roster import Assignment
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar, horizon_dates
from scheduler.search.budget import Budget
from scheduler.search.cadre_by_cadre import Construction, construct, left_over
from scheduler.solver import SolveOptions

from .rules.helpers import cadre, checkpoint, demand, instance, solve_checked
from .rules.test_unit_presence import FRIDAY, two_seconded, unit


class SmallSolver:
    """Solves a cadre's model alone (one worker, at most 5 s) and charges ``charge`` units (default:
    its seconds) to the budget it is given, as scheduler.search.runner.CpSatRunner would."""

    interrupted = False

    def __init__(self, charge: float | None = None) -> None:
        self.charge = charge

    def solve_side_model(self, model: cp_model.CpModel, budget: Budget) -> cp_model.CpSolver | None:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 5.0
        status = solver.solve(model)
        budget.charge(solver.wall_time if self.charge is None else self.charge)
        return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


UNLIMITED = Budget.unlimited(deterministic=True)


def test_left_over_demand() -> None:
    # min 2, target 3, max 4, 2 medics wanted; a (medic) and b are on duty there:
    # min 2-2 = 0, target 3-2 = 1, max 4-2 = 2, medics 2-1 = 1; weights unchanged.
    rule = DemandRule(min=2, target=3, max=4, skills={"med": 2}, under_weight=5)
    left = left_over(rule, ["a", "b"], {"a": {"med"}, "b": set()})
    assert (left.min, left.target, left.max, left.skills, left.under_weight) == (0, 1, 2, {"med": 1}, 5)
    # never below 0, and no max stays no max
    left = left_over(DemandRule(min=1, target=1), ["a", "b"], {"a": set(), "b": set()})
    assert (left.min, left.target, left.max) == (0, 0, None)


def test_each_cadre_takes_what_the_ones_before_left() -> None:
    # D wanted min 1 (max 1) on each of 4 days; a and b may work 16 h = 2 duties, c has no limit.
    # a alone covers 2 days; b then sees only the other 2 days wanted and covers them; c finds
    # nothing left (max 0 everywhere), so c gets no duty at all. 4 duties, one a day.
    limits = {"max_total_hours": 16}
    data = parse_instance(instance([cadre("a", limits=limits), cadre("b", limits=limits), cadre("c")], days=4))
    built = construct(data, Calendar(data), SmallSolver(), UNLIMITED)
    assert built.unplaced == []
    per_cadre = {name: sorted(key.day for key in built.duties if key.cadre == name) for name in "abc"}
    assert len(per_cadre["a"]) == 2 and len(per_cadre["b"]) == 2 and per_cadre["c"] == []
    assert sorted(per_cadre["a"] + per_cadre["b"]) == [0, 1, 2, 3]


def test_cadres_left_when_the_budget_is_spent_stay_unplaced() -> None:
    # The first cadre's search reports 5 units used of a budget of 1: the budget is spent, so b and
    # c get no model at all (the solver gives them runs, or keeps the duties as a hint).
    data = parse_instance(instance([cadre("a"), cadre("b"), cadre("c")], days=2))
    built = construct(data, Calendar(data), SmallSolver(charge=5.0), Budget(1.0, deterministic=True))
    assert built.unplaced == ["b", "c"]
    assert {key.cadre for key in built.duties} == {"a"}


def assignments_of(data: Instance, built: Construction) -> list[Assignment]:
    return [
        Assignment(cadre=key.cadre, date=horizon_dates(data.horizon)[key.day], shift=key.shift,
                   checkpoint=key.checkpoint)
        for key in built.duties
    ]


def test_built_roster_keeps_every_single_cadre_rule() -> None:
    # Runs, rest, weekends and total hours each bind one cadre: the union of the cadres' own
    # rosters breaks none of them (the checker, which shares no code with the model, finds nothing).
    limits = {
        "min_total_hours": 24,
        "max_total_hours": 40,
        "max_consecutive_work_days": 2,
        "min_consecutive_days_off": 2,
        "max_weekends": 1,
    }
    members = [cadre(f"a{index}", limits=limits) for index in range(3)]
    data = parse_instance(instance(members, days=14, checkpoints=[checkpoint(rules=[demand(2, max_count=None)])]))
    built = construct(data, Calendar(data), SmallSolver(), UNLIMITED)
    assert built.unplaced == []
    assert evaluate(data, assignments_of(data, built), []).violations == []


@pytest.fixture
def construct_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The solver builds its first roster cadre by cadre before any search of the whole model (the
    hand dispatch, which comes first on such instances, is left out: tests/test_dispatch.py covers it)."""
    monkeypatch.setattr(solver_module, "construct", lambda instance, calendar: None)


def test_solver_starts_from_the_built_roster(construct_at_once: None, caplog: pytest.LogCaptureFixture) -> None:
    # 3 cadres, 5 days, 1 wanted a day: the built roster covers every day, is made better cadre by
    # cadre once the whole model accepts it, and the search from it ends at the optimum of every
    # stage (coverage 0), checked by the checker in solve_checked.
    # (A rest rule, which the construction from runs does not keep, makes the solver build cadre by cadre.)
    caplog.set_level(logging.INFO, logger="scheduler")
    data = instance([cadre("a"), cadre("b"), cadre("c")], days=5, rules={"min_rest_hours": 8})
    solved = solve_checked(data, options=SolveOptions(time_limit=10, workers=1, seed=0, deterministic=True))
    assert solved.value("coverage") == 0
    messages = [record.getMessage() for record in caplog.records]
    assert any("built a first roster cadre by cadre" in message for message in messages)
    assert any("improved cadre by cadre" in message for message in messages)


def test_a_built_roster_that_breaks_max_away_only_guides_the_search(
    construct_at_once: None, caplog: pytest.LogCaptureFixture
) -> None:
    # Unit u lets 1 of its 2 seconded cadres away on Friday; D is wanted twice. Each cadre's own
    # model knows nothing of the other, so both take the duty: the whole model rejects that roster
    # ("no solution with the kept values fixed") and the search from it finds the right one:
    # one of the two on duty, coverage 1.
    caplog.set_level(logging.INFO, logger="scheduler")
    data = instance(two_seconded(), start=FRIDAY, days=1, units=unit(1), checkpoints=[checkpoint(rules=[demand(2)])])
    solved = solve_checked(data, options=SolveOptions(time_limit=10, workers=1, seed=0, deterministic=True))
    assert solved.value("coverage") == 1
    assert len(solved.result.assignments) == 1
    assert any("kept values fixed" in record.getMessage() for record in caplog.records)
