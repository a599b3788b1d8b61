"""dispatch: the hand-dispatch greedy, its choices worked out by hand, and its rosters checked.

The small instances use the rule-test defaults of ``tests/rules/helpers.py``:
the horizon starts Monday 2024-01-01, community ``c1``, shift ``D``
08:00-16:00 (8 h, load 480 weighted minutes), ``N`` 20:00-08:00 (12 h,
night), and only the default ``max_duty_shifts_per_day`` 1 unless a test
sets more. Every roster is also judged by the independent checker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from models.instance import Instance
from models.loading import load_instance, parse_instance
from scheduler.checker import evaluate
from scheduler.model.calendar import Calendar
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import DutyKey, StandbyKey
from scheduler.search.dispatch import Dispatch, dispatch
from scheduler.sources.curtois import parse_curtois, to_instance
from scheduler.sources.generate import generate_instance

from .rules.helpers import START, D, N, cadre, checkpoint, day, demand, instance
from .test_curtois_import import SMALL

INSTANCES = sorted((Path(__file__).resolve().parents[1] / "instances").glob("*.json"))


def dispatched(data: dict[str, Any]) -> tuple[Instance, Dispatch]:
    """The greedy's roster of ``data``, asserted to pass the checker."""
    loaded = parse_instance(data)
    built = dispatch(loaded)
    violations = evaluate(loaded, built.assignments, built.standby).violations
    assert violations == [], [str(violation) for violation in violations]
    return loaded, built


def on_duty(built: Dispatch, checkpoint_id: str = "k1", shift: str = "D") -> list[list[str]]:
    """Who is on duty at ``checkpoint_id`` in ``shift``, day by day (a sorted list per day)."""
    days: dict[int, list[str]] = {}
    for item in built.assignments:
        if item.checkpoint == checkpoint_id and item.shift == shift:
            days.setdefault((item.date - START).days, []).append(item.cadre)
    return [sorted(days.get(offset, [])) for offset in range(max(days, default=-1) + 1)]


def standing_by(built: Dispatch) -> dict[int, list[str]]:
    days: dict[int, list[str]] = {}
    for item in built.standby:
        days.setdefault((item.date - START).days, []).append(item.cadre)
    return days


# --------------------------------------------------------------------------- choices worked out by hand


def test_least_load_then_longest_since_the_last_duty() -> None:
    # One cell a day. Day 0: all three have no load; a2 never served, a1 last served on day -2,
    # a0 on day -1, so a2 (longest since the last duty) goes first. Day 1: a0 and a1 still have no
    # load; a1 served longer ago: a1. Day 2: a0 is the only one without load: a0.
    members = [
        cadre("a0", history=[{"date": day(-1), "shift": "D"}]),
        cadre("a1", history=[{"date": day(-2), "shift": "D"}]),
        cadre("a2"),
    ]
    _, built = dispatched(instance(members, days=3))
    assert on_duty(built) == [["a2"], ["a1"], ["a0"]]


def test_ties_without_history_follow_the_instance_order_and_load_rotates() -> None:
    # No history: day 0 everybody has load 0 and no last duty, so the instance's order: b first.
    # Day 1: b has load 480, a has 0: a. Day 2: both 480, a served later (day 1): b. Day 3: a.
    _, built = dispatched(instance([cadre("b"), cadre("a")], days=4))
    assert on_duty(built) == [["b"], ["a"], ["b"], ["a"]]


def test_load_is_per_available_day() -> None:
    # 4 days, a is wholly unavailable on day 3 (3 available days), b never (4). Day 0: a (order).
    # Day 1: b (no load). Day 2: both hold 480 weighted minutes, a over 3 days (160 a day), b over
    # 4 (120 a day): b, although a served longer ago. Day 3: a is away: b.
    data = instance([cadre("a", unavailable=[{"date": day(3)}]), cadre("b")], days=4)
    _, built = dispatched(data)
    assert on_duty(built) == [["a"], ["b"], ["b"], ["b"]]


def test_a_vulnerable_cadre_is_skipped_at_a_high_risk_checkpoint() -> None:
    # High risk first: at kh the first in order, v, is vulnerable and skipped: b. Then kl (low
    # risk): b already has its one duty of the day, so v.
    data = instance(
        [cadre("v", vulnerable=True), cadre("b")],
        days=1,
        checkpoints=[checkpoint("kl", risk="low"), checkpoint("kh", risk="high")],
    )
    _, built = dispatched(data)
    assert on_duty(built, "kh") == [["b"]]
    assert on_duty(built, "kl") == [["v"]]


def test_skills_are_filled_first() -> None:
    # min 1 with one medical cadre: m is last in order and has no less load, but the skill count
    # comes first, so m is chosen; the minimum is then met and nobody else is added.
    rule = demand(1, 1, skills={"medical": 1})
    data = instance([cadre("a"), cadre("b"), cadre("m", skills=["medical"])], days=1,
                    checkpoints=[checkpoint(rules=[rule])])
    _, built = dispatched(data)
    assert on_duty(built) == [["m"]]


def night_then_day(rest: float | None) -> Dispatch:
    # Shifts in start order: D (08:00) then N (20:00). A night weighs 0.5 here, so after day 0
    # a1 (N: 720 x 0.5 = 360) has less load than a0 (D: 480) and is asked first on day 1.
    data = instance(
        [cadre("a0"), cadre("a1")],
        days=2,
        shifts=[D, N],
        checkpoints=[checkpoint(rules=[demand(1, 1)])],
        rules={"min_rest_hours": rest},
        objective={"load_weights": {"night": 0.5}},
    )
    return dispatched(data)[1]


def test_rest_refuses_a_day_shift_right_after_a_night() -> None:
    # Day 0: D a0; N: a0 already has its duty of the day, a1. Day 1, D: a1 (least load) ended its
    # night at 08:00, 0 h before, less than 11 h of rest: refused, a0 (16 h after its D). N: a1.
    built = night_then_day(11)
    assert on_duty(built, shift="D") == [["a0"], ["a0"]]
    assert on_duty(built, shift="N") == [["a1"], ["a1"]]


def test_without_rest_the_night_worker_takes_the_next_day() -> None:
    # The same without min_rest_hours: the night ends as the day shift starts (touching, no
    # overlap), so a1 takes day 1's D and a0 the night.
    built = night_then_day(None)
    assert on_duty(built, shift="D") == [["a0"], ["a1"]]
    assert on_duty(built, shift="N") == [["a1"], ["a0"]]


def test_a_standby_counts_as_duty_toward_the_limits() -> None:
    # Order b, a; a may hold 8 h of duty over the horizon. Day 0: k1 b; standby a (b is on duty).
    # Counted as a duty, a's standby uses its 8 h. Day 1: a has the least load (standby 480 x 0.25)
    # but its standby, to stay callable, leaves no room: b again; standby: a is refused again and
    # b is on duty, so the standby is short that day.
    data = instance(
        [cadre("b"), cadre("a", limits={"max_total_hours": 8})],
        days=2,
        standby={"per_community": 1},
    )
    _, built = dispatched(data)
    assert on_duty(built) == [["b"], ["b"]]
    assert standing_by(built) == {0: ["a"]}


def test_without_the_limit_the_standby_takes_the_next_duty() -> None:
    # Control for the test above: with no max_total_hours, a (least load) takes day 1's duty and
    # b, who served day 0's duty, stands by.
    data = instance([cadre("b"), cadre("a")], days=2, standby={"per_community": 1})
    _, built = dispatched(data)
    assert on_duty(built) == [["b"], ["a"]]
    assert standing_by(built) == {0: ["a"], 1: ["b"]}


def test_standby_goes_only_where_it_is_asked_for() -> None:
    # Two standbys asked on day 0 only (an override for that date), one on day 1 (per community):
    # nobody stands by beyond that, though three cadres are free.
    data = instance(
        [cadre(f"a{index}") for index in range(4)],
        days=2,
        standby={"per_community": 1, "overrides": [{"dates": [day(0)], "count": 2}]},
    )
    _, built = dispatched(data)
    assert {offset: len(ids) for offset, ids in standing_by(built).items()} == {0: 2, 1: 1}


def test_targets_are_topped_up_never_above_max_and_minimum_hours_come_last() -> None:
    # One day, four cadres owing 8 h each. Pass 1: k1's minimum, a0. Pass 2: k1 to its target 2
    # (a1), k2 to its target 1 (a2). Pass 3: a3 owes 8 h but k1 and k2 are at their max and every
    # holder is at its own minimum (nobody can give way): a3 stays under it.
    data = instance(
        [cadre(f"a{index}") for index in range(4)],
        days=1,
        checkpoints=[checkpoint("k1", rules=[demand(1, 2, 2)]), checkpoint("k2", rules=[demand(0, 1, 1)])],
        rules={"min_total_hours": 8},
    )
    loaded = parse_instance(data)
    built = dispatch(loaded)
    assert on_duty(built, "k1") == [["a0", "a1"]]
    assert on_duty(built, "k2") == [["a2"]]
    assert built.under_minimum == ["a3"]
    rules = [violation.rule for violation in evaluate(loaded, built.assignments, built.standby).violations]
    assert rules == ["min_total_hours"]


def test_the_third_pass_gives_minimum_hours_where_demand_has_room() -> None:
    # Two days, min 1, target 1, max 2. Pass 1: day 0 a0, day 1 a1 (least load). Both owe 16 h
    # and have 8: pass 3 gives a0 day 1 and a1 day 0 (room up to max 2).
    data = instance(
        [cadre("a0"), cadre("a1")],
        days=2,
        checkpoints=[checkpoint(rules=[demand(1, 1, 2)])],
        rules={"min_total_hours": 16},
    )
    _, built = dispatched(data)
    assert on_duty(built) == [["a0", "a1"], ["a0", "a1"]]
    assert built.under_minimum == []


def test_without_minimum_hours_nobody_goes_above_the_target() -> None:
    data = instance([cadre("a0"), cadre("a1")], days=2, checkpoints=[checkpoint(rules=[demand(1, 1, 2)])])
    _, built = dispatched(data)
    assert on_duty(built) == [["a0"], ["a1"]]


def test_a_day_that_would_leave_one_day_off_is_refused() -> None:
    # a0 needs runs of at least 2 days off between work. Day 0 a0; day 1 a1 (least load); day 2:
    # both have 480, a0 served longer ago, but its day off (day 1) would be a run of 1: refused, a1.
    # Day 3: a0 (480 against 960) after 2 days off.
    data = instance([cadre("a0", limits={"min_consecutive_days_off": 2}), cadre("a1")], days=4)
    _, built = dispatched(data)
    assert on_duty(built) == [["a0"], ["a1"], ["a1"], ["a0"]]


def test_without_the_days_off_rule_the_duties_alternate() -> None:
    _, built = dispatched(instance([cadre("a0"), cadre("a1")], days=4))
    assert on_duty(built) == [["a0"], ["a1"], ["a0"], ["a1"]]


def short_run(demand_days: list[int]) -> Dispatch:
    # One cadre who works runs of at least 2 days; demand (min 1) only on the dates listed.
    rules = [demand(1, 1, dates=[day(offset) for offset in demand_days])]
    data = instance([cadre("a0", limits={"min_consecutive_work_days": 2})], days=4,
                    checkpoints=[checkpoint(rules=rules)])
    return dispatched(data)[1]


def test_a_run_of_work_too_short_is_taken_back() -> None:
    # Demand on day 1 alone: a0 works day 1, nothing on day 2 closes a run of 1 with days off on
    # both sides: taken back, and no later pass can place it. The cell stays uncovered.
    assert short_run([1]).assignments == []


def test_a_run_of_work_long_enough_stays() -> None:
    # Demand on days 1 and 2: the run of 2 is long enough.
    built = short_run([1, 2])
    assert on_duty(built) == [[], ["a0"], ["a0"]]


def test_minimum_hours_come_in_blocks_that_keep_the_runs() -> None:
    # 4 days, a0 away on days 0 and 3, owing 16 h (two day shifts; 2 of 4 days available, pro-rating
    # off), in runs of at least 2 work days. No demand minimum or target, room for 1 a day. Day 1
    # alone would be a run of 1 between days off: refused. The block of days 1 and 2 keeps it.
    limits = {"min_consecutive_work_days": 2, "min_total_hours": 16, "prorate_min_total_hours": False}
    data = instance(
        [cadre("a0", limits=limits, unavailable=[{"date": day(0)}, {"date": day(3)}])],
        days=4,
        checkpoints=[checkpoint(rules=[demand(0, 0, 1)])],
    )
    _, built = dispatched(data)
    assert on_duty(built) == [[], ["a0"], ["a0"]]
    assert built.under_minimum == []


def test_a_benchmark_instance_keeps_its_sequence_rules() -> None:
    # The Curtois-Qu importer's small two weeks: runs of work and days off, shift types, weekends,
    # total hours and a forbidden succession, each cadre with its minimum hours.
    loaded = parse_instance(to_instance(parse_curtois(SMALL), "small"), "small")
    built = dispatch(loaded)
    assert built.under_minimum == []
    assert [str(violation) for violation in evaluate(loaded, built.assignments, built.standby).violations] == []


def test_max_away_keeps_a_units_people_at_work() -> None:
    # Monday, k1 wants 2 in the day shift (08:00-16:00, inside the unit hours 08:30-17:30). u1 and
    # u2 belong to a unit that lets one of them away: u1, then u2 is refused and n (no unit) serves.
    data = instance(
        [cadre("u1", unit="u", mode="seconded"), cadre("u2", unit="u", mode="seconded"), cadre("n")],
        days=1,
        checkpoints=[checkpoint(rules=[demand(2, 2)])],
        units=[{"id": "u", "max_away": 1}],
    )
    _, built = dispatched(data)
    assert on_duty(built) == [["n", "u1"]]


def test_dual_cadres_serve_outside_their_unit_hours() -> None:
    # A dual cadre's unit hours (Mon-Fri 08:30-17:30) overlap the day shift on weekdays. Friday to
    # Sunday: Friday d is first in order but at its unit: s. Saturday d (no load). Sunday both hold
    # 480, s served longer ago: s. (11 h of rest after Sunday's shift reach Monday's unit hours at
    # 08:30, 16.5 h later: allowed.)
    data = instance(
        [cadre("d", unit="u", mode="dual"), cadre("s")],
        days=3,
        start=START.replace(day=5),  # Friday 2024-01-05
        units=[{"id": "u"}],
        rules={"min_rest_hours": 11},
    )
    loaded, built = dispatched(data)
    first = loaded.horizon.start
    duty = {(item.date - first).days: item.cadre for item in built.assignments}
    assert duty == {0: "s", 1: "d", 2: "s"}


# --------------------------------------------------------------------------- whole instances


def test_deterministic() -> None:
    loaded = parse_instance(generate_instance("town", 5, 5))
    first, second = dispatch(loaded), dispatch(loaded)
    assert first.assignments == second.assignments and first.standby == second.standby


@pytest.mark.parametrize("profile", ["town", "district", "subdistrict"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_instances_pass_the_checker(profile: str, seed: int) -> None:
    days = 9 if seed == 3 else 4
    loaded = parse_instance(generate_instance(profile, seed, days), f"{profile}-{seed}")
    built = dispatch(loaded)
    evaluation = evaluate(loaded, built.assignments, built.standby)
    assert [str(violation) for violation in evaluation.violations] == []
    assert built.under_minimum == []
    # a roster, not an empty one: at least half of what the demand asks or, where the cadres are too
    # few (the sub-district), half of what they can give at 4 duties a week (48 h of 12-hour shifts,
    # the tightest weekly limit the generator draws)
    minimum = sum(rule.min for rule in Calendar(loaded).demand.values())
    capacity = len(loaded.cadres) * days * 4 / 7
    assert len(built.assignments) >= 0.5 * min(minimum, capacity)


@pytest.mark.parametrize("path", INSTANCES, ids=[path.name for path in INSTANCES])
def test_bundled_instances_pass_the_checker(path: Path) -> None:
    loaded = load_instance(path)
    built = dispatch(loaded)
    evaluation = evaluate(loaded, built.assignments, built.standby)
    assert [str(violation) for violation in evaluation.violations] == []
    assert evaluation.metrics["totals"]["min_coverage"] > 0.9


def model_accepts(loaded: Instance, built: Dispatch) -> bool:
    """Whether the CP-SAT model holds with every duty and standby variable fixed to the roster."""
    roster_model = RosterModel.build(loaded)
    variables = roster_model.vars
    start = loaded.horizon.start
    duties = {DutyKey(item.cadre, (item.date - start).days, item.shift, item.checkpoint) for item in built.assignments}
    standbys = {StandbyKey(item.cadre, (item.date - start).days, item.shift, item.community) for item in built.standby}
    assert duties <= set(variables.duties), "a duty where the model has no variable"
    assert standbys <= set(variables.standbys), "a standby where the model has no variable"
    model = roster_model.cp
    for key, variable in variables.duties.items():
        model.add(variable == int(key in duties))
    for standby_key, variable in variables.standbys.items():
        model.add(variable == int(standby_key in standbys))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize(
    "data",
    [
        generate_instance("subdistrict", 1, 7),
        generate_instance("district", 2, 3),
        instance([cadre("a0", limits={"min_consecutive_days_off": 2}), cadre("a1")], days=4,
                 standby={"per_community": 1}, rules={"min_rest_hours": 11, "max_hours_per_7_days": 24}),
    ],
    ids=["subdistrict", "district", "small"],
)
def test_the_model_accepts_the_roster_with_everything_fixed(data: dict[str, Any]) -> None:
    loaded = parse_instance(data)
    assert model_accepts(loaded, dispatch(loaded))
