"""lns: neighbourhood steps solved at once from one incumbent, merged only where the roster holds; sweeps by hand.

Two cadres each freed in their own neighbourhood, from an empty roster: each
step alone covers the checkpoint. Where the checkpoint takes two, both steps'
changes are kept; where it takes one, the second step's changes would break
its ``max`` and are not merged. Either way the roster passes the independent
checker.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from models.instance import Instance
from models.loading import load_instance, parse_instance
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.model.objective import plan_stages
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import roster_of_keys
from scheduler.search.budget import Budget
from scheduler.search.by_hand import change_by_hand
from scheduler.search.lns import _steps_together, steps_at_once
from scheduler.search.options import SolveOptions
from scheduler.search.runner import Constructed, CpSatRunner
from scheduler.search.settings import SETTINGS

from .rules.helpers import cadre, checkpoint, demand, instance

LARGE = dataclasses.replace(SETTINGS, lns_least_decisions=0)  # every model counts as searched by neighbourhoods


def _runner_at_an_empty_roster(data: dict[str, Any]) -> tuple[CpSatRunner, Calendar, Instance]:
    """A runner on ``data``'s coverage stage whose incumbent is the roster with nobody on duty."""
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    roster_model = RosterModel.build(loaded, calendar=calendar)
    runner = CpSatRunner(roster_model, SolveOptions(time_limit=None, workers=2, settings=LARGE),
                         constructed=Constructed([], []))
    stage = plan_stages(roster_model)[0]
    runner.begin(stage, stage.build())
    assert runner.accept([], Budget.unlimited(), standby=[])  # nobody on duty, nobody on standby
    return runner, calendar, loaded


def _frees(runner: CpSatRunner) -> list[list[int]]:
    """Each cadre's duty decisions, cadre a first."""
    duties = runner.roster_model.vars.duties
    return [[variable.index for key, variable in duties.items() if key.cadre == name] for name in ("a", "b")]


@pytest.mark.parametrize(("takes", "on_duty"), [(2, ["a", "a", "b", "b"]), (1, ["a", "a"])])
def test_steps_at_once_merge_only_what_the_roster_can_hold(takes: int, on_duty: list[str]) -> None:
    # Two days, k1 asks min = max = ``takes`` a day: the empty roster misses 2 * takes. Each step
    # (a alone, b alone) puts its cadre on both days. With takes 2 both are needed: merged, nothing
    # is missing. With takes 1 a's step (first among equals) is kept and b's would put two on a
    # checkpoint of max 1: not merged, and nothing is missing either.
    data = instance([cadre("a"), cadre("b")], days=2, checkpoints=[checkpoint(rules=[demand(takes)])])
    runner, calendar, loaded = _runner_at_an_empty_roster(data)
    divisor = next(iter(runner.stages.values())).divisor
    assert runner.values["coverage"] == 2 * takes * divisor
    constraints = runner.constraint_index()
    assert constraints is not None
    status = _steps_together(runner, constraints, runner.neighbourhood_index(), _frees(runner),
                             Budget.unlimited(), limit=10)
    assert status == cp_model.OPTIMAL
    assert runner.values["coverage"] == 0
    duties, standby = runner.incumbent_keys()
    assert sorted(key.cadre for key in duties) == on_duty
    assert evaluate(loaded, *roster_of_keys(calendar, duties, standby)).violations == []


def test_steps_at_once_follow_the_workers_and_never_in_a_repeatable_solve() -> None:
    data = instance([cadre("a")], days=1)
    runner, _, _ = _runner_at_an_empty_roster(data)
    assert steps_at_once(runner) == 2  # one per worker
    runner.options = dataclasses.replace(runner.options, deterministic=True)
    assert steps_at_once(runner) == 1  # threads end in their own order: a repeatable solve runs one
    runner.options = dataclasses.replace(runner.options, deterministic=False, workers=4)
    runner.settings = dataclasses.replace(LARGE, lns_steps_at_once=1)
    assert steps_at_once(runner) == 1


def test_a_sweep_by_hand_fills_what_the_roster_misses_and_is_taken_once() -> None:
    # Two days, k1 asks 2 a day, a and b free: the empty roster misses 4 persons. The sweep puts both
    # on both days (coverage 0, every rule kept); a second sweep finds nothing to add and changes
    # nothing.
    data = instance([cadre("a"), cadre("b")], days=2, checkpoints=[checkpoint(rules=[demand(2)])])
    runner, calendar, loaded = _runner_at_an_empty_roster(data)
    stage = next(iter(runner.stages.values()))
    assert change_by_hand(runner, stage, Budget.unlimited())
    assert runner.values["coverage"] == 0
    duties, standby = runner.incumbent_keys()
    assert sorted(key.cadre for key in duties) == ["a", "a", "b", "b"]
    assert evaluate(loaded, *roster_of_keys(calendar, duties, standby)).violations == []
    kept = list(runner.solution or ())
    assert not change_by_hand(runner, stage, Budget.unlimited())
    assert runner.solution == kept


def test_a_solve_with_steps_at_once_keeps_every_rule(caplog: pytest.LogCaptureFixture) -> None:
    # The bundled one-community example searched as a large model, two steps at a time: the result
    # passes the independent checker and ranks no worse than the hand dispatch it started from.
    from scheduler.search.construction import construct, ranking
    from scheduler.solver import solve

    loaded = load_instance(Path(__file__).parent.parent / "instances" / "one_community.json")
    with caplog.at_level(logging.INFO):
        result = solve(loaded, SolveOptions(time_limit=8, workers=2, seed=0, settings=LARGE))
    assert any("(2 at once)" in record.getMessage() for record in caplog.records)
    assert evaluate(loaded, result.assignments, result.standby).violations == []
    built = construct(loaded, Calendar(loaded))
    assert built is not None and built.rank is not None
    searched = ranking(loaded, result.assignments, result.standby)
    assert searched is not None and searched <= built.rank


def test_a_stage_without_a_value_of_its_own_still_reports_its_floor_as_bound() -> None:
    # A stage whose search found nothing in time (no value under the incumbent) is "unknown"; its
    # bound is still what is proven of it: here the counted 200 (two skill places no holder can give,
    # see test_stage_bounds), 2 in reported units, not "-".
    from scheduler.search.stage_search import StageSearch
    from scheduler.solver import _stage_result

    data = instance([cadre("a", skills=["medical"]), cadre("b")], days=14,
                    rules={"max_duty_shifts_per_day": 1, "min_days_off_per_7_days": 1})
    data["checkpoints"][0]["demand"] = [{"min": 1, "target": 1, "max": 1, "skills": {"medical": 1}}]
    runner, _, _ = _runner_at_an_empty_roster(data)
    stage = next(iter(runner.stages.values()))
    runner.prove(stage.name, 200)
    del runner.values[stage.name]
    result = _stage_result(stage, StageSearch(cp_model.UNKNOWN, cp_model.CpSolver(), 1.0, bounded=False), runner)
    assert (result.status, result.value, result.bound) == ("unknown", None, 2.0)
