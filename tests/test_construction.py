"""The solve starts from the hand dispatch and never returns a roster that ranks below it (anytime)."""

from __future__ import annotations

import pytest

import scheduler.solver as solver_module
from models.loading import parse_instance
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.search.construction import construct, ranking
from scheduler.solver import SolveOptions, solve
from scheduler.sources.generate import generate_instance


def stage_values(instance, result) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
    evaluation = evaluate(instance, result.assignments, result.standby)
    assert evaluation.violations == []
    return tuple(evaluation.stage_values)


@pytest.mark.parametrize(("profile", "seed", "days"), [("district", 4, 4), ("town", 2, 3), ("subdistrict", 1, 5)])
def test_a_short_and_a_longer_solve_never_rank_below_the_dispatch(profile: str, seed: int, days: int) -> None:
    # The dispatch's stage values are worked out by the checker; the 1-second solve (which may
    # have no time beyond building the model) and a longer one must each rank at least as well,
    # and the longer never below the shorter.
    instance = parse_instance(generate_instance(profile, seed, days))
    construction = construct(instance, Calendar(instance))
    assert construction is not None
    built = ranking(instance, construction.dispatched.assignments, construction.dispatched.standby)
    assert built is not None and construction.rank == built
    short = stage_values(instance, solve(instance, SolveOptions(time_limit=1, workers=2, seed=seed)))
    longer = stage_values(instance, solve(instance, SolveOptions(time_limit=6, workers=2, seed=seed)))
    assert short <= built
    assert longer <= short


def test_with_no_time_to_search_the_dispatch_is_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    # The stage loop is made to find nothing (as when the time runs out while the model is built):
    # the result is then the dispatch's roster itself, every stage "feasible" with no bound.
    instance = parse_instance(generate_instance("district", 4, 3))
    construction = construct(instance, Calendar(instance))
    assert construction is not None
    dispatched = construction.dispatched

    def nothing(instance, options, plan, runner, budget, counted=None):  # type: ignore[no-untyped-def]
        return solver_module.Result(status="unknown", mode=instance.objective.mode)

    monkeypatch.setattr(solver_module, "_stage_loop", nothing)
    result = solve(instance, SolveOptions(time_limit=5, workers=1))
    assert result.status == "feasible"
    assert result.assignments == dispatched.assignments and result.standby == dispatched.standby
    assert [stage.name for stage in result.stages] == ["coverage", "standby", "target", "fairness",
                                                       "requests+continuity"]
    assert all(stage.status == "feasible" and stage.bound is None for stage in result.stages)
    assert tuple(stage.value for stage in result.stages) == ranking(instance, result.assignments, result.standby)


def test_the_benchmarks_sequence_rules_get_no_dispatch() -> None:
    # Instances of the sequence rules alone keep their own constructions (runs, column generation).
    from .test_construct_runs import curtois_small

    data, _ = curtois_small()
    assert construct(data, Calendar(data)) is None
