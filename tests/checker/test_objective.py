"""Objective parts, metrics and shortfalls worked out by hand."""

from __future__ import annotations

import pytest

from scheduler.checker import evaluate
from scheduler.checker.metrics import coefficient_of_variation, gini, jain, max_min
from tests.checker.builders import cadre, day, demand, duty, make_instance, on_standby

# Two days (Mon 2024-01-01, Tue 2024-01-02); D 8 h, N 12 h night.
# k1: c1, medium (risk weight 2), min 1 target 2.  k2: c1, high (4), min 1 target 1, skill medical 1,
# over_weight 0.5.  Standby: 1 per shift in c1, 0 in c2.
# a: seconded, unit u1, medical; duty D day0 at k2, N day1 at k1; requests off day1 (weight 2).
# b: seconded, unit u2, up to 2 duties a day (so the standby N beside D day0 is callable);
#    duty D day0 and D day1 at k1, standby N day0; requests on day0 D (0.5, granted),
#    on day1 N (1, not granted).
CHECKPOINTS = [
    {"id": "k1", "community": "c1", "risk": "medium", "demand": [demand(1, 2)]},
    {"id": "k2", "community": "c1", "risk": "high", "demand": [demand(1, 1, skills={"medical": 1}, over_weight=0.5)]},
]
CADRES = [
    cadre("a", unit="u1", mode="seconded", skills=["medical"], requests=[{"date": day(1), "kind": "off", "weight": 2}]),
    cadre("b", unit="u2", mode="seconded", limits={"max_duty_shifts_per_day": 2},
          requests=[{"date": day(0), "shift": "D", "kind": "on", "weight": 0.5},
                    {"date": day(1), "shift": "N", "kind": "on", "weight": 1}]),
]
ASSIGNMENTS = [duty("a", day(0), "D", "k2"), duty("a", day(1), "N", "k1"), duty("b", day(0), "D", "k1"),
               duty("b", day(1), "D", "k1")]
STANDBY = [on_standby("b", day(0), "N")]


def example(**objective: object):
    instance = make_instance(CADRES, days=2, checkpoints=CHECKPOINTS, units=[{"id": "u1"}, {"id": "u2"}],
                             standby={"per_community": 1, "overrides": [{"community": "c2", "count": 0}]},
                             objective=objective or {})
    return evaluate(instance, ASSIGNMENTS, STANDBY)


def test_parts_by_hand() -> None:
    evaluation = example()
    assert evaluation.violations == []
    # coverage: k1 (weight 2): d0N empty -> 1 missing -> 2.
    #           k2 (weight 4): d0D a (medical) ok; d0N, d1D, d1N empty -> (1 person + 1 skill) x 3 = 6 -> 24.
    #           total 26.
    # standby:  c1 wants 1 on 4 shifts, b stands by d0N: 3 missing.
    # target:   k1 target 2: d0D 1, d0N 0, d1D 1, d1N 1 -> 1 + 2 + 1 + 1 = 5; k2 target 1: three empty -> 3. 8.
    # load units (available days 2, x 100):
    #   a: D at high k2: 480 * 1.25 * 100 / 2 = 30000; N at k1: 720 * 1.5 * 100 / 2 = 54000 -> 84000.
    #   b: D 480 * 100 / 2 = 24000 twice; standby N 720 * 0.25 * 100 / 2 = 9000 -> 57000.
    #   seconded mean floor(141000 / 2) = 70500; load_spread 13500 + 13500 = 27000.
    # unit_spread: n = 2, H = 1200 + 960 = 2160 min; u1: |2 * 1200 - 1 * 2160| / 2 = 120; u2: |1920 - 2160| / 2
    #   = 120 -> 240.  fairness = 27240.
    # requests: a off day1 but on duty (2); b on d0D granted; b on d1N not granted (1) -> 3.
    # continuity: a at k2 and k1 -> 1.
    assert evaluation.load_units == {"a": 84000, "b": 57000}
    assert (evaluation.load_spread, evaluation.unit_spread) == (27000, 240)
    assert evaluation.parts == {"coverage": 26, "standby": 3, "target": 8, "fairness": 27240, "requests": 3,
                                "continuity": 1}
    # Last stage: requests * 1 + continuity * 1 = 4.
    assert evaluation.stage_values == [26, 3, 8, 27240, 4]


def test_stage_and_weighted_totals() -> None:
    # Lexicographic with requests weight 2, continuity 0.5: last stage 3 * 2 + 1 * 0.5 = 6.5.
    assert example(weights={"requests": 2, "continuity": 0.5}).stage_values[4] == pytest.approx(6.5)
    # Weighted: 10 * 26 + 1 * 3 + 0.01 * 27240 = 260 + 3 + 272.4 = 535.4.
    weighted = example(mode="weighted", weights={"coverage": 10, "standby": 1, "fairness": 0.01})
    assert weighted.weighted_total == pytest.approx(535.4)


def test_shortfalls_with_skills_missing() -> None:
    evaluation = example()
    keys = {(item.checkpoint, item.date.isoformat(), item.shift): (item.assigned, item.skills_missing)
            for item in evaluation.shortfalls}
    assert keys == {
        ("k1", day(0), "N"): (0, {}),
        ("k2", day(0), "N"): (0, {"medical": 1}),
        ("k2", day(1), "D"): (0, {"medical": 1}),
        ("k2", day(1), "N"): (0, {"medical": 1}),
    }
    assert [(item.date.isoformat(), item.shift, item.count, item.assigned) for item in evaluation.standby_shortfalls] \
        == [(day(0), "D", 1, 0), (day(1), "D", 1, 0), (day(1), "N", 1, 0)]


def test_enough_people_without_the_skill_is_a_shortfall() -> None:
    # min 2, medical 2, driver 1; a (medical, driver) and b (no skill): 2 on duty, 1 medical missing.
    # coverage = risk 2 (medium) x (0 persons + 1 skill) = 2.
    checkpoints = [{"id": "k1", "community": "c1", "demand": [demand(2, 2, skills={"medical": 2, "driver": 1})]}]
    instance = make_instance([cadre("a", skills=["medical", "driver"]), cadre("b")], days=1, checkpoints=checkpoints,
                             shifts=[{"id": "D", "start": "08:00", "end": "16:00"}])
    evaluation = evaluate(instance, [duty("a", day(0)), duty("b", day(0))], [])
    assert [(item.assigned, item.skills_missing) for item in evaluation.shortfalls] == [(2, {"medical": 1})]
    assert evaluation.parts["coverage"] == 2
    # Every person is there but not every skill: the minimum is not fully covered.
    # persons 2 of 2; skills medical 1 of 2 + driver 1 of 1 = 2 of 3; minimum (2 + 2) / (2 + 3).
    totals = evaluation.metrics["totals"]
    assert (totals["person_coverage"], totals["skill_coverage"]) == (1.0, pytest.approx(2 / 3))
    assert totals["min_coverage"] == pytest.approx(0.8)


def test_metrics_by_hand() -> None:
    metrics = example().metrics
    assert metrics["cadres"]["a"] == {
        "group": "seconded", "unit": "u1", "duty_shifts": 2, "duty_hours": 20.0, "nights": 1, "weekend_shifts": 0,
        "high_risk_shifts": 1, "standby_shifts": 0, "standby_hours": 0.0, "days_off": 0, "longest_work_streak": 2,
        "available_days": 2, "load": 14.0,
    }
    assert metrics["cadres"]["b"]["load"] == 9.5  # 57000 / 6000
    group = metrics["groups"]["seconded"]
    # loads 14 and 9.5: mean 11.75; mean abs difference (0 + 4.5 + 4.5 + 0) / 4 = 2.25 -> gini 2.25 / 23.5;
    # population std 2.25 -> cv 2.25 / 11.75; jain 23.5^2 / (2 * (196 + 90.25)).
    assert group["gini"] == pytest.approx(2.25 / 23.5)
    assert group["cv"] == pytest.approx(2.25 / 11.75)
    assert group["jain"] == pytest.approx(552.25 / 572.5)
    assert group["max_min"] == pytest.approx(14 / 9.5)
    assert group["mean_load"] == pytest.approx(11.75)
    # u1: a's 20 h of 36 h; 1 of 2 cadres; a on D 08:00-16:00 Monday during unit hours -> 1 away at most.
    assert metrics["units"]["u1"] == {"cadres": 1, "duty_hours": 20.0, "duty_share": pytest.approx(20 / 36),
                                      "cadre_share": 0.5, "most_away": 1, "max_away": None}
    # persons: k1 3 of 4, k2 1 of 4 -> 4 / 8; skills (part of the minimum): k2 medical 1 of 4 (a on d0D);
    # min coverage (persons and skills) 5 / 12; target: k1 3 of 8, k2 1 of 4 -> 4 / 12; standby 1 of 4.
    assert metrics["totals"] == {"min_coverage": pytest.approx(5 / 12), "person_coverage": 0.5,
                                 "skill_coverage": 0.25, "target_coverage": pytest.approx(1 / 3),
                                 "standby_coverage": 0.25, "shortfalls": 4, "standby_shortfalls": 3,
                                 "duty_hours": 36.0}
    assert metrics["checkpoints"]["k1"] == {"min_coverage": 0.75, "person_coverage": 0.75, "skill_coverage": 1.0,
                                            "target_coverage": 0.375, "shortfalls": 1}
    # k2: persons 1 of 4, medical 1 of 4 -> 2 / 8.
    assert metrics["checkpoints"]["k2"] == {"min_coverage": 0.25, "person_coverage": 0.25, "skill_coverage": 0.25,
                                            "target_coverage": 0.25, "shortfalls": 3}
    assert metrics["communities"]["c2"] == {"min_coverage": 1.0, "person_coverage": 1.0, "skill_coverage": 1.0,
                                            "target_coverage": 1.0, "standby_coverage": 1.0, "shortfalls": 0}


def test_fairness_statistics_on_a_hand_example() -> None:
    # [1, 3]: mean 2, mean absolute difference (0 + 2 + 2 + 0) / 4 = 1 -> gini 1 / 4; std 1 -> cv 0.5;
    # jain 16 / (2 * 10) = 0.8; max/min 3.
    assert gini([1, 3]) == pytest.approx(0.25)
    assert coefficient_of_variation([1, 3]) == pytest.approx(0.5)
    assert jain([1, 3]) == pytest.approx(0.8)
    assert max_min([1, 3]) == 3
    # [0, 0, 0, 4]: mean 1, pairs |0-4| appear 6 times of 16 -> 24 / 16 = 1.5 -> gini 0.75; jain 16 / 64.
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert jain([0, 0, 0, 4]) == pytest.approx(0.25)
    assert max_min([0, 4]) is None
    assert (gini([0, 0]), coefficient_of_variation([0, 0]), jain([0, 0])) == (0.0, 0.0, 1.0)


def test_at_limit_counts_cadres_whose_roster_reaches_a_max_exactly() -> None:
    instance = make_instance([cadre("a", limits={"max_total_hours": 16}), cadre("b", limits={"max_total_hours": 16})])
    evaluation = evaluate(instance, [duty("a", day(0)), duty("a", day(2)), duty("b", day(0))], [])
    assert evaluation.metrics["groups"]["none"]["at_limit"] == 1  # a: 16 h of 16; b: 8 h


def test_cadre_without_available_days_is_left_out_of_fairness() -> None:
    instance = make_instance([cadre("a"), cadre("gone", unavailable=[{"date": day(offset)} for offset in range(7)])])
    evaluation = evaluate(instance, [duty("a", day(0))], [])
    assert evaluation.load_units == {"a": round(480 * 100 / 7)}
    assert evaluation.parts["fairness"] == 0
    assert evaluation.metrics["groups"]["none"]["cadres"] == 1
    assert evaluation.metrics["cadres"]["gone"]["available_days"] == 0


def test_each_group_spread_weighed_by_the_largest_group_over_its_size() -> None:
    # 4 days, D at k1 (c1) every day; a duty's load 480 * 100 / 4 = 12000 (per available day).
    # Seconded s1 (c1) and z1-z3 (c2, no duty: load 0); no unit n1 (c1) and m1 (c2, load 0).
    # n1 holds all four duties: seconded loads all 0 -> spread 0. None: 48000 and 0, mean 24000,
    # a quarter 6000: each deviation 24000 weighs 24000 + 18000 + 12000 + 6000 = 60000 -> 120000.
    # Group weights: largest group 4; seconded 4 / 4 = 1, none 4 / 2 = 2 -> load_spread 240000.
    # (The model test `test_fairness_weighs_each_group_by_its_size` finds the roster the weights prefer.)
    members = [cadre("s1", unit="u1", mode="seconded")]
    members += [cadre(name, unit="u1", mode="seconded", communities=["c2"]) for name in ("z1", "z2", "z3")]
    members += [cadre("n1"), cadre("m1", communities=["c2"])]
    checkpoints = [{"id": "k1", "community": "c1", "risk": "low", "demand": [demand()]}]
    instance = make_instance(members, days=4, shifts=[{"id": "D", "start": "08:00", "end": "16:00"}],
                             checkpoints=checkpoints, units=[{"id": "u1"}])
    evaluation = evaluate(instance, [duty("n1", day(offset)) for offset in range(4)], [])
    assert evaluation.violations == []
    assert evaluation.load_units == {"s1": 0, "z1": 0, "z2": 0, "z3": 0, "n1": 48000, "m1": 0}
    assert (evaluation.load_spread, evaluation.unit_spread) == (240000, 0)
