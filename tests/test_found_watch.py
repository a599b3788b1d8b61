"""FoundWatch: a search's solutions noted, and the stage's own value apart from its tie-break."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.search.watch import FoundWatch


def test_the_stage_value_is_the_objective_over_the_tie_break_scale() -> None:
    # minimise 10 * stage + next with stage = 3 - a - b >= 1 (a + b <= 2 with a + b <= 1 forced) and
    # next = c: the optimum is stage 2, next 0, objective 20; the watch's best is 20 // 10 = 2.
    model = cp_model.CpModel()
    a, b, c = (model.new_bool_var(name) for name in "abc")
    model.add(a + b <= 1)
    model.minimize(10 * (3 - a - b) + c)
    watch = FoundWatch()
    watch.restart(10)
    assert not watch.found and watch.best is None
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model, watch) == cp_model.OPTIMAL
    assert watch.found and watch.best == 2
    watch.restart(10)  # a new step forgets what the last one found
    assert not watch.found and watch.best is None
