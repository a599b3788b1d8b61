"""construct_runs: a first roster from each cadre's runs of work and days off, and the solver's use of it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from ortools.sat.python import cp_model

import scheduler.search.first_roster as first_roster_module
import scheduler.search.stage_search as stage_search_module
from models.instance import Instance, Rules
from models.loading import parse_instance
from models.roster import Assignment
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar, horizon_dates
from scheduler.model.objective import ObjectiveStage, plan_stages
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import DutyKey
from scheduler.search.budget import Budget
from scheduler.search.cadre_by_cadre import construct
from scheduler.search.columns.builder import ColumnGenerationBuilder
from scheduler.search.first_roster import build_first_roster
from scheduler.search.improve import Improvement
from scheduler.search.options import Progress
from scheduler.search.runner import CpSatRunner
from scheduler.search.runs import _trim, only_sequence_rules, runs_roster, work_days
from scheduler.search.watch import FoundWatch
from scheduler.solver import SolveOptions
from scheduler.sources.curtois import CurtoisData, curtois_objective, curtois_violations, parse_curtois, to_instance

from .rules.helpers import D, N, cadre, checkpoint, day, demand, instance, solve_checked
from .test_curtois_import import SMALL

SATURDAY_SUNDAY = {5: 5, 6: 5}  # a week from Monday: the weekend starts on day 5


def runs(pattern: list[bool]) -> list[int]:
    """Lengths of the runs of work days."""
    lengths, current = [], 0
    for working in [*pattern, False]:
        if working:
            current += 1
        elif current:
            lengths.append(current)
            current = 0
    return lengths


def test_most_work_days_within_the_run_rules() -> None:
    # 7 days, runs of work 2..3, days off at least 2 between them: 3 on, 2 off, 2 on = 5 work
    # days; 6 would need two runs of 3 with a break of 1, or a run of 4.
    rules = Rules(min_consecutive_work_days=2, max_consecutive_work_days=3, min_consecutive_days_off=2)
    pattern = work_days(7, set(range(7)), rules, {}, 0.0, [0.0] * 7)
    assert pattern is not None and sum(pattern) == 5
    assert all(2 <= length <= 3 for length in runs(pattern))


def test_closed_days_stay_off() -> None:
    # days 0..4, day 2 closed, runs of at most 3, at least 1 day off: work 0,1 and 3,4 = 4 days.
    rules = Rules(max_consecutive_work_days=3, min_consecutive_days_off=1)
    pattern = work_days(5, {0, 1, 3, 4}, rules, {}, 0.0, [0.0] * 5)
    assert pattern == [True, True, False, True, True]


def test_a_weekend_price_keeps_the_weekend_off() -> None:
    # Mon..Sun, runs of at most 5, 2 days off: without a price one of the 5-day patterns may take
    # the weekend; at price 2 (a weekend costs more than it brings) Mon..Fri is the only best.
    rules = Rules(max_consecutive_work_days=5, min_consecutive_days_off=2)
    priced = work_days(7, set(range(7)), rules, SATURDAY_SUNDAY, 2.0, [0.0] * 7)
    assert priced == [True] * 5 + [False] * 2


def test_demand_breaks_ties_without_costing_a_work_day() -> None:
    # one run of at most 2 in 4 days with 2 days off after any run (and before: rested): any 2
    # adjacent days, or days 0 and 3 (runs 1 and 1 with 2 off between); demand on days 2 and 3 only.
    rules = Rules(max_consecutive_work_days=2, min_consecutive_days_off=2, min_consecutive_work_days=2)
    pattern = work_days(4, set(range(4)), rules, {}, 0.0, [0.0, 0.0, 0.001, 0.001])
    assert pattern == [False, False, True, True]


def curtois_small() -> tuple[Instance, CurtoisData]:
    # the importer tests' two weeks: shifts D (8 h) and N (12 h, not followed by D), staff T and U
    benchmark = parse_curtois(SMALL)
    return parse_instance(to_instance(benchmark, "small"), "small"), benchmark


def test_benchmark_rules_hold_and_every_cadre_reaches_its_minimum() -> None:
    # The union keeps every hard rule, by our checker (no code shared with this construction) and
    # by the benchmark's own rules (min total minutes among them).
    data, benchmark = curtois_small()
    assert only_sequence_rules(data)
    built = runs_roster(RosterModel.build(data))
    assert built is not None and built.short == []
    duties = built.duties
    assignments = [
        Assignment(cadre=key.cadre, date=horizon_dates(data.horizon)[key.day], shift=key.shift,
                   checkpoint=key.checkpoint)
        for key in duties
    ]
    assert evaluate(data, assignments, []).violations == []
    roster = {(key.cadre, key.day): key.shift for key in duties}
    assert curtois_violations(benchmark, roster) == []


@pytest.mark.parametrize(
    "change",
    [
        {"rules": {"min_rest_hours": 11}},
        {"rules": {"max_hours_per_7_days": 40}},
        {"standby": {"per_community": 1}},
    ],
)
def test_not_used_when_another_rule_binds(change: dict[str, Any]) -> None:
    data = instance([cadre("a", limits={"max_consecutive_work_days": 3})], days=7, **change)
    assert not only_sequence_rules(parse_instance(data))


def test_a_cadre_without_its_minimum_gets_no_runs() -> None:
    # 4 days, at most 2 in a row with 2 days off between runs: at most 2 work days = 16 h < 24 h.
    limits = {"max_consecutive_work_days": 2, "min_consecutive_days_off": 2, "min_total_hours": 24}
    data = parse_instance(instance([cadre("a", limits=limits), cadre("b")], days=4))
    built = runs_roster(RosterModel.build(data))
    assert built is not None and built.short == ["a"]
    assert {key.cadre for key in built.duties} == {"b"}


def two_runs_of_three(max_total_hours: int) -> RosterModel:
    """7 days, runs of at most 3 with a day off between (3 on, 1 off, 3 on = 6 work days); the cadre
    needs 56 h; D (8 h) is wanted twice a day and N (12 h) once, so demand ranks D first."""
    limits = {
        "max_consecutive_work_days": 3,
        "min_consecutive_days_off": 1,
        "min_total_hours": 56,
        "max_total_hours": max_total_hours,
    }
    rules = [demand(2, shifts=["D"]), demand(1, shifts=["N"])]
    data = instance([cadre("a", limits=limits)], days=7, shifts=[D, N], checkpoints=[checkpoint(rules=rules)])
    return RosterModel.build(parse_instance(data))


def test_runs_take_longer_shifts_until_the_minimum_hours() -> None:
    # Both runs first take D: 48 h, short of the 56 h minimum. Moving one run to N gains
    # 3 x 4 h = 12 h >= the 8 h missing, within the 72 h maximum: 36 + 24 = 60 h, and the other
    # run stays on D (one change is enough).
    built = runs_roster(two_runs_of_three(max_total_hours=72))
    assert built is not None and built.short == []
    shifts_by_run = [{key.shift for key in built.duties if key.day in run} for run in (range(3), range(4, 7))]
    assert sorted(map(sorted, shifts_by_run)) == [["D"], ["N"]]
    assert len(built.duties) == 6


def test_no_longer_shift_past_the_maximum_hours() -> None:
    # As above with the maximum at 58 h: a run on N makes 60 h > 58, so no change keeps the
    # maximum and the cadre, at 48 h, is short of its 56 h.
    built = runs_roster(two_runs_of_three(max_total_hours=58))
    assert built is not None and built.short == ["a"]


def test_trimming_takes_run_ends_where_least_is_wanted_and_keeps_the_shortest_run() -> None:
    # Runs of 5 on days 0-4 and 7-11, at most 8 work days: two days go. Both runs are 5 long and
    # nothing is wanted anywhere, so the earliest end goes first (day 0); then the longer run
    # loses its first day (day 7): runs 1-4 and 8-11.
    pattern = [True] * 5 + [False] * 2 + [True] * 5
    _trim(pattern, 8, 3, [0.0] * 12)
    assert [day for day, working in enumerate(pattern) if working] == [1, 2, 3, 4, 8, 9, 10, 11]
    # Demand left on day 0 only: day 0 stays; day 4 goes (the earliest end without demand), then
    # day 7 (the end of the longer run, now 5 against 4).
    pattern = [True] * 5 + [False] * 2 + [True] * 5
    _trim(pattern, 8, 3, [0.001] + [0.0] * 11)
    assert [day for day, working in enumerate(pattern) if working] == [0, 1, 2, 3, 8, 9, 10, 11]
    # At most 5 days with runs of at least 3: both runs stop at 3 (6 days), no shorter.
    pattern = [True] * 5 + [False] * 2 + [True] * 5
    _trim(pattern, 5, 3, [0.0] * 12)
    assert runs(pattern) == [3, 3]


def test_more_work_days_than_the_maximum_hours_allow_are_trimmed_not_cut() -> None:
    # 17 days, days 5, 6, 12 and 13 unavailable, runs of 3 to 5 with 2 days off between: the
    # most is runs on days 0-4, 7-11 and 14-16 (5 + 5 + 3 = 13 days). The cadre must work exactly
    # 96 h = 12 days of 8 h. Cutting the runs at the maximum in order would keep 5 + 5 and drop
    # the third run (2 days left < 3): 80 h, short. Trimming one day off a run of 5 first keeps
    # all three runs: 12 days, 96 h.
    limits = {
        "max_consecutive_work_days": 5,
        "min_consecutive_work_days": 3,
        "min_consecutive_days_off": 2,
        "min_total_hours": 96,
        "max_total_hours": 96,
        "prorate_min_total_hours": False,
    }
    closed = [{"date": day(offset)} for offset in (5, 6, 12, 13)]
    data = parse_instance(instance([cadre("a", limits=limits, unavailable=closed)], days=17))
    built = runs_roster(RosterModel.build(data))
    assert built is not None and built.short == []
    assert sorted(key.day for key in built.duties)[-3:] == [14, 15, 16]
    assert len(built.duties) == 12


def test_a_cadre_with_no_open_day_gets_an_empty_roster() -> None:
    # a is away all 3 days: no duty option, so no work day and nothing to trim; a has no minimum
    # left (pro-rated to 0 available days), so a is not short; b works as usual.
    away = [{"date": day(offset)} for offset in range(3)]
    limits = {"max_total_hours": 16, "min_total_hours": 8}
    data = parse_instance(instance([cadre("a", limits=limits, unavailable=away), cadre("b")], days=3))
    built = runs_roster(RosterModel.build(data))
    assert built is not None and built.short == []
    assert {key.cadre for key in built.duties} == {"b"}


def test_demand_max_is_kept() -> None:
    # one checkpoint, max 1 a day: a takes days 0..2, b finds every day full and works none
    data = parse_instance(
        instance(
            [cadre("a", limits={"max_consecutive_work_days": 3}), cadre("b", limits={"max_consecutive_work_days": 3})],
            days=3,
            checkpoints=[checkpoint(rules=[demand(1, max_count=1)])],
        )
    )
    built = runs_roster(RosterModel.build(data))
    assert built is not None and built.short == []
    assert sorted((key.cadre, key.day) for key in built.duties) == [("a", 0), ("a", 1), ("a", 2)]


@pytest.fixture(autouse=True)
def without_column_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs roster is the subject here: the solver's column generation (which comes first where it
    applies, as on the benchmark's instances) is left out; tests/test_column_generation.py covers it."""
    monkeypatch.setattr(ColumnGenerationBuilder, "applies", lambda self, runner, budget: False)


def own_models_only_for(monkeypatch: pytest.MonkeyPatch, cadre_ids: list[str]) -> None:
    """The cadre-by-cadre construction places only ``cadre_ids`` (as if its time ran out before the rest)."""

    def partly(instance: Instance, calendar: Calendar, solver: Any, budget: Budget) -> Any:
        some = instance.model_copy(update={"cadres": [cadre for cadre in instance.cadres if cadre.id in cadre_ids]})
        built = construct(some, calendar, solver, budget)
        built.unplaced = [cadre.id for cadre in instance.cadres if cadre.id not in cadre_ids]
        return built

    monkeypatch.setattr(first_roster_module, "construct", partly)


def test_solver_starts_from_the_runs_roster(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # The runs construction places every cadre and the whole model accepts the roster with the
    # duties fixed; it is then made better cadre by cadre (never built again from nothing by the
    # cadres' own models), and the search goes on from it; solve_checked asserts the checker finds
    # nothing wrong with the final roster.
    def not_wanted(*_: Any, **__: Any) -> Any:
        raise AssertionError("with a runs roster kept, no roster is built cadre by cadre")

    monkeypatch.setattr(first_roster_module, "construct", not_wanted)
    caplog.set_level(logging.INFO, logger="scheduler")
    data, _ = curtois_small()
    options = SolveOptions(time_limit=10, workers=1, seed=0, deterministic=True)
    solved = solve_checked(data, options=options, expect=None)
    assert solved.status in ("optimal", "feasible")
    messages = [record.getMessage() for record in caplog.records]
    assert any("first roster from runs" in message and "0 cadres without one" in message for message in messages)
    assert any("improved cadre by cadre" in message for message in messages)
    assert not any("kept values fixed" in message for message in messages)


def test_runs_take_the_demand_the_own_models_left(monkeypatch: pytest.MonkeyPatch) -> None:
    # 4 days, one cadre a day at most (max 1). a must work exactly 16 h (2 duties) in runs of at
    # least 3, which the rule waives for a run touching the horizon's start or end; the runs
    # construction, stricter there, finds a nothing, so the roster from runs is short. a is then
    # placed by its own model; b, left over, gets runs only on the two days a left free: every day
    # then has exactly one.
    own_models_only_for(monkeypatch, ["a"])
    exactly_two_duties = {"min_consecutive_work_days": 3, "min_total_hours": 16, "max_total_hours": 16}
    data = instance(
        [cadre("a", limits=exactly_two_duties), cadre("b", limits={"max_consecutive_work_days": 4})],
        days=4,
        checkpoints=[checkpoint(rules=[demand(1, max_count=1)])],
    )
    loaded = parse_instance(data)
    roster_model = RosterModel.build(loaded)
    from_runs = runs_roster(roster_model)
    assert from_runs is not None and from_runs.short == ["a"]
    runner = CpSatRunner(roster_model, SolveOptions(time_limit=10, workers=1, seed=0, deterministic=True))
    stage = plan_stages(roster_model)[0]
    runner.begin(stage, stage.build())
    build_first_roster(runner, Budget(10.0, deterministic=True))
    assert runner.solution is not None
    on_duty = sorted(
        (key.day, key.cadre) for key, variable in roster_model.vars.duties.items() if runner.solution[variable.index]
    )
    assert [day for day, _ in on_duty] == [0, 1, 2, 3]
    assert sum(1 for _, name in on_duty if name == "a") == 2


def test_built_rosters_repeat_in_deterministic_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs first, then the cadre models, then the search: the same seed and budget give the same roster.
    own_models_only_for(monkeypatch, ["T"])
    data, _ = curtois_small()
    options = SolveOptions(time_limit=5, workers=2, seed=3, deterministic=True)
    first = solve_checked(data, options=options, expect=None).result.assignments
    second = solve_checked(data, options=options, expect=None).result.assignments
    assert first == second and first


class SearchLog:
    """Records, in order, what a CpSatRunner runs: the constructions, the passes of the whole model
    with the duties fixed, the searches of the whole model, and the solves of one cadre's model."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        original_solve = CpSatRunner.run
        original_construction = stage_search_module.build_first_roster

        def solve(runner: Any, solver: Any, reporter: Any = None, **kwargs: Any) -> Any:
            fixed = solver.parameters.fix_variables_to_their_hinted_value
            whole = kwargs.get("model") is None  # a cadre's own model is passed as model=
            self.calls.append(("fixed" if fixed else "search") if whole else "cadre")
            return original_solve(runner, solver, reporter, **kwargs)

        def construction(runner: CpSatRunner, budget: Budget) -> None:
            self.calls.append("construction")
            original_construction(runner, budget)

        monkeypatch.setattr(CpSatRunner, "run", solve)
        monkeypatch.setattr(stage_search_module, "build_first_roster", construction)


def first_stage(runner: CpSatRunner) -> ObjectiveStage:
    return next(iter(runner.stages.values()))


def first_roster_runner(build_seconds: float) -> CpSatRunner:
    data, _ = curtois_small()
    roster_model = RosterModel.build(data)
    options = SolveOptions(time_limit=10, workers=1, seed=0)
    runner = CpSatRunner(roster_model, options, build_seconds=build_seconds)
    stage = plan_stages(roster_model)[0]
    expr = stage.build()
    runner.begin(stage, expr)
    return runner


@pytest.mark.parametrize(("runs_apply", "build_seconds"), [(True, 0.0), (False, 0.0), (False, 20.0)])
def test_the_roster_is_built_before_any_search(
    monkeypatch: pytest.MonkeyPatch, runs_apply: bool, build_seconds: float
) -> None:
    # 10 s left, the model built at once or in 20 s. Whether or not a whole roster can be built
    # from runs (said so here), and however long the model took, a first roster is built (the runs
    # roster or the cadres' own models, accepted by a pass with the duties fixed) before any search
    # of the whole model, and the search goes on from it.
    monkeypatch.setattr(stage_search_module, "only_sequence_rules", lambda instance: runs_apply)
    monkeypatch.setattr(first_roster_module, "only_sequence_rules", lambda instance: runs_apply)
    log = SearchLog(monkeypatch)
    runner = first_roster_runner(build_seconds=build_seconds)
    stage_search_module._first_roster_search(runner, first_stage(runner), Budget(10.0), FoundWatch())
    # the cadres' own models (searches of their own) and the pass accepting them come in between
    whole = [call for call in log.calls if call != "cadre"]
    assert whole[:2] == ["construction", "fixed"] and whole[-1] == "search" and whole.count("search") == 1
    assert runner.solution is not None


@pytest.mark.parametrize(("fixed_pass", "searched"), [(1000.0, False), (3.0, False), (2.0, True), (1.0, True)])
def test_a_search_after_the_construction_only_with_time_to_load_and_search(
    monkeypatch: pytest.MonkeyPatch, fixed_pass: float, searched: bool
) -> None:
    # A search first loads and presolves the model, which takes longer than the pass with every
    # duty fixed (said here to take 1000 s, 3 s, 2 s or 1 s; 3.5 times as long on Instance23); it
    # is begun only if more than 4 such passes are left. With 10 s left: 4 x 3 = 12 s > 10 s, no
    # search, and the accepted roster is the result; 4 x 2 = 8 s and 4 x 1 = 4 s, a search.
    log = SearchLog(monkeypatch)
    runner = first_roster_runner(build_seconds=20.0)
    original = CpSatRunner.solve_fixed

    def slow_fixed_pass(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.fixed_seconds = fixed_pass

    monkeypatch.setattr(CpSatRunner, "solve_fixed", slow_fixed_pass)
    status, _ = stage_search_module._first_roster_search(runner, first_stage(runner), Budget(10.0), FoundWatch())
    assert log.calls[:2] == ["construction", "fixed"]
    assert runner.solution is not None and runner.values
    if searched:
        assert log.calls[-1] == "search"
    else:
        # with a 3 s pass the cadre-by-cadre improvement still runs (and its result is accepted by a
        # second pass), but no search of the whole model follows
        assert "search" not in log.calls
        assert status == cp_model.UNKNOWN


def test_an_improvement_the_whole_model_rejects_leaves_the_runs_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    # The improvement (faked) hands back an empty roster, which breaks the staff's minimum hours:
    # the whole model does not accept it, and the runs roster it was given stays the solution.
    given: list[list[DutyKey]] = []

    def empty(instance: Instance, calendar: Calendar, duties: list[DutyKey], *_: Any, **__: Any) -> Improvement:
        given.append(list(duties))
        return Improvement(duties=[], changed=1)

    monkeypatch.setattr(first_roster_module, "improve", empty)
    runner = first_roster_runner(build_seconds=0.0)
    build_first_roster(runner, Budget(10.0))
    assert runner.solution is not None and len(given) == 1
    held = {key for key, variable in runner.roster_model.vars.duties.items() if runner.solution[variable.index]}
    assert held == set(given[0]) and held


def test_ctrl_c_while_improving_keeps_the_runs_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C reaches Python while a cadre's model is being built (outside CP-SAT): the solver
    # notes the interruption and the runs roster, already accepted, stays the solution.
    def interrupted(*_: Any, **__: Any) -> Improvement:
        raise KeyboardInterrupt

    monkeypatch.setattr(first_roster_module, "improve", interrupted)
    runner = first_roster_runner(build_seconds=0.0)
    build_first_roster(runner, Budget(10.0))
    assert runner.interrupted and runner.solution is not None
    from_runs = runs_roster(runner.roster_model)
    assert from_runs is not None
    held = {key for key, variable in runner.roster_model.vars.duties.items() if runner.solution[variable.index]}
    assert held == set(from_runs.duties)


def test_an_accepted_built_roster_shows_in_the_live_progress() -> None:
    # The first progress report comes from the runs roster, before any search: its objective is
    # the benchmark's own objective of that roster (computed by the importer's code, not the
    # model's), its bound 0 (nothing bounds the stage yet).
    data, benchmark = curtois_small()
    built = runs_roster(RosterModel.build(data))
    assert built is not None and built.short == []
    expected = curtois_objective(benchmark, {(key.cadre, key.day): key.shift for key in built.duties})
    reports: list[Progress] = []
    options = SolveOptions(time_limit=10, workers=1, seed=0, deterministic=True, progress=reports.append)
    solved = solve_checked(data, options=options, expect=None)
    assert reports[0].objective == expected and reports[0].bound == 0.0
    assert reports[0].stage == solved.result.stages[0].name
