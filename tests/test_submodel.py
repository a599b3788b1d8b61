"""submodel: a neighbourhood step's own model holds what the whole model holds around its free variables.

Small CP-SAT models built by hand show the pieces (held variables become
constants, constraints out of reach are left out, the objective keeps its
value); a tiny roster model shows the whole story: a step solved on its own
model, merged into the incumbent, is a roster the whole model and the
independent checker both accept.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from models.loading import parse_instance
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.model.objective import plan_stages
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import roster_of_keys
from scheduler.search.submodel import ConstraintIndex

from .rules.helpers import cadre, instance


def _solve(model: cp_model.CpModel) -> tuple[int, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model), solver


def test_held_variables_become_constants_and_far_constraints_are_left_out() -> None:
    # x + y + z <= 2 and u + v <= 1, minimise -z - u (so z and u want to be 1). The incumbent is
    # x = y = 1, z = 0, u = 0, v = 1. Freeing z alone: x and y are held at 1, so z <= 0 and nothing
    # better exists; the u + v constraint reads no free variable and is left out; the objective keeps
    # its held term: -z - u at the incumbent is 0.
    model = cp_model.CpModel()
    x, y, z, u, v = (model.new_bool_var(name) for name in "xyzuv")
    model.add(x + y + z <= 2)
    model.add(u + v <= 1)
    model.minimize(-z - u)
    incumbent = [1, 1, 0, 0, 1]
    index = ConstraintIndex(model, decisions=[0, 1, 2, 3, 4])
    step = index.step_model(model, [z.index], incumbent, {})
    assert len(step.model.proto.constraints) == 1  # only the constraint reading z
    assert step.free.tolist() == [z.index]
    status, solver = _solve(step.model)
    assert status == cp_model.OPTIMAL
    assert solver.objective_value == 0
    # freeing x instead: y is held at 1, so x + z <= 1 and the best is z = 1, x = 0: objective -1
    step = index.step_model(model, [x.index, z.index], incumbent, {})
    status, solver = _solve(step.model)
    assert status == cp_model.OPTIMAL and solver.objective_value == -1


def test_auxiliary_variables_reached_from_free_decisions_are_free_too() -> None:
    # a, b decisions; w an auxiliary "any of a, b" (a <= w, b <= w); c a decision held far away with
    # its own auxiliary t (c <= t). Freeing a reaches w (not t): the step model frees a and w only.
    model = cp_model.CpModel()
    a, b, c = (model.new_bool_var(name) for name in "abc")
    w, t = model.new_bool_var("w"), model.new_bool_var("t")
    model.add_implication(a, w)
    model.add_implication(b, w)
    model.add_implication(c, t)
    model.minimize(w + t - a)
    index = ConstraintIndex(model, decisions=[a.index, b.index, c.index])
    step = index.step_model(model, [a.index], [0, 0, 1, 0, 1], {})
    assert sorted(step.free.tolist()) == sorted([a.index, w.index])
    status, solver = _solve(step.model)
    # objective w + t - a with t held at 1: a = 1 forces w = 1: 1 + 1 - 1 = 1, as good as a = 0, w = 0
    assert status == cp_model.OPTIMAL and solver.objective_value == 1


def test_an_unindexed_constraint_kind_declines() -> None:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    y = model.new_int_var(0, 3, "y")
    model.add_element(x, [1, 2, 3, 0], y)
    assert not ConstraintIndex(model, decisions=[0]).known


def test_a_step_on_its_own_model_is_a_roster_of_the_whole_model() -> None:
    # Three days, k1 asks one a day, cadres a and b, at most 2 work days in a row for each: the
    # incumbent has nobody on duty (coverage 3). Freeing every decision of a on days 0-2, the step can
    # give a two duties (a's limit), so coverage falls to 1; merged into the incumbent, the roster
    # passes the whole model with everything fixed and the checker.
    data = instance([cadre("a"), cadre("b")], days=3, rules={"max_consecutive_work_days": 2})
    loaded = parse_instance(data)
    calendar = Calendar(loaded)
    roster_model = RosterModel.build(loaded, calendar=calendar)
    stage = plan_stages(roster_model)[0]
    roster_model.cp.minimize(stage.build())
    whole = roster_model.cp
    status, solver = _solve(whole)  # any solution, then an empty roster as the incumbent
    assert status == cp_model.OPTIMAL
    decisions = [variable.index for variable in roster_model.vars.duties.values()]
    decisions += [variable.index for variable in roster_model.vars.standbys.values()]
    empty = whole.clone()
    for index in decisions:
        empty.add(empty.get_int_var_from_proto_index(index) == 0)
    status, solver = _solve(empty)
    incumbent = list(solver.response_proto.solution)
    assert solver.objective_value == 3 * stage.divisor  # the part's integer units: divisor per person
    index = ConstraintIndex(whole, decisions)
    of_a = [variable.index for key, variable in roster_model.vars.duties.items() if key.cadre == "a"]
    step = index.step_model(whole, of_a, incumbent, {})
    status, solver = _solve(step.model)
    assert status == cp_model.OPTIMAL and solver.objective_value == stage.divisor
    merged = list(incumbent)
    for variable, value in zip(step.variables.tolist(), solver.response_proto.solution, strict=True):
        merged[variable] = value
    fixed = whole.clone()
    for variable, value in enumerate(merged):
        fixed.add(fixed.get_int_var_from_proto_index(variable) == value)
    status, solver = _solve(fixed)
    assert status == cp_model.OPTIMAL and solver.objective_value == stage.divisor
    duties, standby = roster_model.vars.keys_set_in(merged)
    assert evaluate(loaded, *roster_of_keys(calendar, duties, standby)).violations == []
    assert sorted(key.cadre for key in duties) == ["a", "a"]


def test_a_solve_searched_by_neighbourhoods_keeps_every_rule_on_step_models(caplog: object) -> None:
    # The bundled one-community example searched as a large model would be (every model counts as
    # large with lns_least_decisions 0): the neighbourhood steps, the rosters changed by hand and the
    # stages' completions all run on step models; the result must pass the independent checker and
    # rank no worse than the hand dispatch it started from.
    import dataclasses
    import logging
    from pathlib import Path

    import pytest

    from models.loading import load_instance
    from scheduler.search.construction import construct, ranking
    from scheduler.search.settings import SETTINGS
    from scheduler.solver import SolveOptions, solve

    assert isinstance(caplog, pytest.LogCaptureFixture)
    loaded = load_instance(Path(__file__).parent.parent / "instances" / "one_community.json")
    settings = dataclasses.replace(SETTINGS, lns_least_decisions=0)
    with caplog.at_level(logging.INFO):
        result = solve(loaded, SolveOptions(time_limit=10, workers=1, seed=0, deterministic=True, settings=settings))
    messages = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("neighbourhood models:") for message in messages)
    assert any("own model accepts" in message for message in messages)
    assert evaluate(loaded, result.assignments, result.standby).violations == []
    built = construct(loaded, Calendar(loaded))
    assert built is not None and built.rank is not None
    searched = ranking(loaded, result.assignments, result.standby)
    assert searched is not None and searched <= built.rank
