"""The objective (DESIGN.md section 5): lexicographic order, weighted mode, requests, continuity, fairness,
vulnerable cadres, skills. Stage values: [coverage, standby, target, fairness, requests + continuity].
"""

from __future__ import annotations

from .helpers import cadre, cadres, checkpoint, day, demand, instance, solve_checked

NO_DUTY = [checkpoint(rules=[demand(0, 0, 0)])]


def test_coverage_before_standby() -> None:
    # 1 cadre, 1 day, 1 duty and 1 standby wanted: the cadre can do one -> duty. Values [0, 1, 0, 0, 0].
    solved = solve_checked(instance([cadre("a")], days=1, standby={"per_community": 1}))
    assert solved.values == [0, 1, 0, 0, 0]
    assert len(solved.result.assignments) == 1
    assert solved.result.standby == []


def test_standby_before_target() -> None:
    # 2 cadres, 1 day, min 1 target 2 max 2, 1 standby wanted: the second cadre either stands by
    # (standby 0, target 1) or goes on duty (standby 1, target 0). Standby comes first -> [0, 0, 1, ...].
    data = instance(cadres(2), days=1, checkpoints=[checkpoint(rules=[demand(1, 2)])], standby={"per_community": 1})
    solved = solve_checked(data)
    assert solved.values[:3] == [0, 0, 1]
    assert len(solved.result.assignments) == 1
    assert len(solved.result.standby) == 1


def test_weighted_mode_can_put_target_before_standby() -> None:
    # The same in weighted mode with coverage 10, standby 1, target 5: duty costs 1 (standby short),
    # standby costs 5 (target short) -> both on duty, weighted total 1.
    data = instance(cadres(2), days=1, checkpoints=[checkpoint(rules=[demand(1, 2)])], standby={"per_community": 1},
                    objective={"mode": "weighted", "weights": {"coverage": 10, "standby": 1, "target": 5}})
    solved = solve_checked(data)
    assert len(solved.result.assignments) == 2
    assert solved.result.standby == []
    assert solved.evaluation.weighted_total == 1
    assert solved.roster.objective.total == 1


def test_weighted_mode_parts_left_out_weigh_nothing() -> None:
    # Weighted mode with fairness alone (weight 1): 2 cadres, 1 day, min 1 max 1. One duty makes the loads
    # unequal; no duty keeps them equal -> nobody on duty, coverage part 1, weighted total 0.
    data = instance(cadres(2), days=1, objective={"mode": "weighted", "weights": {"fairness": 1}})
    solved = solve_checked(data)
    assert solved.result.assignments == []
    assert solved.evaluation.parts["coverage"] == 1
    assert solved.evaluation.weighted_total == 0


def test_target_before_fairness() -> None:
    # 3 cadres, 1 day, min 0 target 1, no max, over_weight 1: fairness would like all three on duty, the
    # target stage (over target costs 1 each) comes first -> exactly 1 duty, values [0, 0, 0, 184000, 0].
    # (Loads: 480 min * 100 = 48000 for one cadre; mean floor(48000 / 3) = 16000, a quarter of it 4000;
    # deviations 32000 and 16000 twice, each weighed past 0, 4000, 8000, 12000:
    # 32000 + 28000 + 24000 + 20000 = 104000, and 16000 + 12000 + 8000 + 4000 = 40000 twice: 184000.)
    data = instance(cadres(3), days=1, checkpoints=[checkpoint(rules=[demand(0, 1, None, over_weight=1)])])
    solved = solve_checked(data)
    assert len(solved.result.assignments) == 1
    assert solved.values == [0, 0, 0, 184000, 0]


def test_risk_weights_send_the_only_cadre_to_the_high_risk_checkpoint() -> None:
    # k-low and k-high want 1 each, 1 cadre, 1 day: a shortfall costs 1 at low, 4 at high -> the cadre
    # goes to the high-risk checkpoint, coverage 1.
    data = instance([cadre("a")], days=1, checkpoints=[checkpoint("low"), checkpoint("high", risk="high")])
    solved = solve_checked(data)
    assert solved.duties("a") == [("a", 0, "D", "high")]
    assert solved.value("coverage") == 1


def test_custom_risk_weights() -> None:
    # risk_weights low 5, high 1 -> the cadre goes to the low-risk checkpoint, coverage 1.
    data = instance([cadre("a")], days=1, checkpoints=[checkpoint("low"), checkpoint("high", risk="high")],
                    objective={"risk_weights": {"low": 5, "medium": 2, "high": 1}})
    solved = solve_checked(data)
    assert solved.duties("a") == [("a", 0, "D", "low")]
    assert solved.value("coverage") == 1


def test_request_off_is_granted() -> None:
    # 2 cadres, 1 day, 1 duty wanted; a asks the day off -> b on duty, last stage 0.
    data = instance([cadre("a", requests=[{"date": day(0), "kind": "off"}]), cadre("b")], days=1)
    solved = solve_checked(data)
    assert [entry[0] for entry in solved.duties()] == ["b"]
    assert solved.values[4] == 0


def test_request_on_is_granted() -> None:
    # b asks for duty on that day and shift -> b on duty.
    data = instance([cadre("a"), cadre("b", requests=[{"date": day(0), "shift": "D", "kind": "on"}])], days=1)
    solved = solve_checked(data)
    assert [entry[0] for entry in solved.duties()] == ["b"]


def test_heavier_request_wins() -> None:
    # Both ask the day off, a with weight 1, b with weight 3; the duty is wanted (coverage first) -> a
    # works, requests part 1.
    data = instance([cadre("a", requests=[{"date": day(0), "kind": "off", "weight": 1}]),
                     cadre("b", requests=[{"date": day(0), "kind": "off", "weight": 3}])], days=1)
    solved = solve_checked(data)
    assert [entry[0] for entry in solved.duties()] == ["a"]
    assert solved.evaluation.parts["requests"] == 1
    assert solved.values[4] == 1


def test_requests_come_after_coverage() -> None:
    # The only cadre asks the day off; the duty is still given (coverage first): requests part 1.
    data = instance([cadre("a", requests=[{"date": day(0), "kind": "off"}])], days=1)
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
    assert solved.evaluation.parts["requests"] == 1


def test_continuity_keeps_a_cadre_at_one_checkpoint() -> None:
    # 1 cadre, 2 days; k1 wants 1 on day 0 only, k2 wants 1 on both days. The cadre misses one cell
    # either way (coverage 1); on day 0 it can stand at k1 or k2, on day 1 only at k2 -> continuity
    # chooses k2 both days, continuity 0.
    data = instance([cadre("a")], checkpoints=[checkpoint("k1", rules=[demand(1, dates=[day(0)])]), checkpoint("k2")])
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert [entry[3] for entry in solved.duties("a")] == ["k2", "k2"]
    assert solved.evaluation.parts["continuity"] == 0


def test_continuity_two_cadres_two_checkpoints() -> None:
    # 2 cadres, 3 days, k1 and k2 each want 1 a day: each cadre keeps to one checkpoint, continuity 0.
    data = instance(cadres(2), days=3, checkpoints=[checkpoint("k1"), checkpoint("k2")])
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
    assert solved.evaluation.parts["continuity"] == 0
    for member in ("a0", "a1"):
        assert len({entry[3] for entry in solved.duties(member)}) == 1


def test_fairness_spreads_load_evenly() -> None:
    # 2 cadres, 4 days, 1 duty a day (max 1): 2 + 2, fairness 0.
    solved = solve_checked(instance(cadres(2), days=4))
    assert sorted(solved.per_cadre().values()) == [2, 2]
    assert solved.values == [0, 0, 0, 0, 0]


def test_fairness_with_an_odd_number_of_duties() -> None:
    # 2 cadres, 3 days: 2 + 1. Load per duty = 480 * 100 / 3 = 16000; loads 32000 and 16000, mean 24000,
    # a quarter of it 6000 -> each deviation 8000 weighs 8000 + (8000 - 6000) = 10000: fairness 20000.
    solved = solve_checked(instance(cadres(2), days=3))
    assert sorted(solved.per_cadre().values()) == [1, 2]
    assert solved.value("fairness") == 20000


def test_fairness_evens_out_the_extremes_where_a_plain_spread_is_flat() -> None:
    # 4 cadres of one group, 4 days, 1 duty a day at c1, which only a and b serve (c and d serve c2, with
    # no checkpoint: load 0, but in the group). A duty's load 480 * 100 / 4 = 12000; the loads add up to
    # 48000 whatever the roster, so the mean is 12000 and a quarter of it 3000.
    #   a 2, b 2: four deviations of 12000, each 12000 + 9000 + 6000 + 3000 = 30000 -> 120000.
    #   a 3, b 1: a 24000 -> 24000 + 21000 + 18000 + 15000 = 78000; b 0; c, d 30000 each -> 138000.
    # (The sum of |load - mean| alone is 48000 for both.) b asks for days 0-2 off: requests, after
    # fairness, would take 3 + 1 with that sum; the spread keeps 2 + 2 and gives up one request.
    off = [{"date": day(offset), "kind": "off", "weight": 1} for offset in range(3)]
    members = [cadre("a"), cadre("b", requests=off), cadre("c", communities=["c2"]), cadre("d", communities=["c2"])]
    solved = solve_checked(instance(members, days=4, communities=["c1", "c2"]))
    assert solved.per_cadre() == {"a": 2, "b": 2}
    assert solved.value("fairness") == 120000
    assert solved.evaluation.parts["requests"] == 1


def test_fairness_is_per_available_day() -> None:
    # 2 cadres, 4 days, 1 duty a day; a is wholly unavailable on days 2 and 3 (2 available days).
    # a with k duties: load 24000 k, b: 12000 (4 - k). k = 1: 24000 / 36000, mean 30000, a quarter 7500:
    # deviations 6000 -> 12000; k = 0: 0 / 48000, mean 24000, deviations 24000 past quarters of 6000 ->
    # 2 * (24000 + 18000 + 12000 + 6000) = 120000; k = 2: 48000 / 24000, mean 36000, deviations 12000
    # past 9000 -> 2 * (12000 + 3000) = 30000. -> a works exactly one day, fairness 12000.
    data = instance([cadre("a", unavailable=[{"date": day(2)}, {"date": day(3)}]), cadre("b")], days=4)
    solved = solve_checked(data)
    assert len(solved.duty_days("a")) == 1
    assert len(solved.duty_days("b")) == 3
    assert solved.value("fairness") == 12000


def test_fairness_weighs_each_group_by_its_size() -> None:
    # 4 days, one D duty a day at k1 (c1): load 480 * 100 / 4 = 12000 a duty. Seconded s1 (c1) and
    # z1-z3 (c2, no duty: load 0); no unit n1 (c1) and m1 (c2, load 0). With k duties for s1 and
    # 4 - k for n1:
    #   seconded: s1 12000 k, three at 0; mean 3000 k, a quarter 750 k: s1's deviation 9000 k weighs
    #     (9000 + 8250 + 7500 + 6750) k = 31500 k, each 0 weighs (3000 + 2250 + 1500 + 750) k = 7500 k:
    #     54000 k.
    #   none: n1 12000 (4 - k), m1 0; mean 6000 (4 - k): each deviation weighs 15000 (4 - k): 30000 (4 - k).
    # Unweighed, 120000 + 24000 k: n1 would take all four. The none group has 2 cadres against 4, so its
    # spread weighs 2: 54000 k + 60000 (4 - k) = 240000 - 6000 k, least at k = 4: 216000.
    members = [cadre("s1", unit="u1", mode="seconded")]
    members += [cadre(name, unit="u1", mode="seconded", communities=["c2"]) for name in ("z1", "z2", "z3")]
    members += [cadre("n1"), cadre("m1", communities=["c2"])]
    solved = solve_checked(instance(members, days=4, communities=["c1", "c2"], units=[{"id": "u1"}]))
    assert solved.per_cadre() == {"s1": 4}
    assert solved.value("fairness") == 216000


def test_vulnerable_cadre_never_at_high_risk() -> None:
    # Checkpoints low (k-low) and high (k-high), 1 duty each, 1 day; cadres v (vulnerable) and n: coverage 0
    # only with v at the low-risk checkpoint and n at the high one.
    data = instance([cadre("v", vulnerable=True), cadre("n")], days=1,
                    checkpoints=[checkpoint("low"), checkpoint("high", risk="high")])
    solved = solve_checked(data)
    assert solved.value("coverage") == 0
    assert solved.duties("v") == [("v", 0, "D", "low")]
    assert solved.duties("n") == [("n", 0, "D", "high")]


def test_vulnerable_cadre_leaves_a_high_risk_shortfall() -> None:
    # Only a high-risk checkpoint and a vulnerable cadre: nobody on duty, coverage 4 per day (weight 4) x 2.
    data = instance([cadre("v", vulnerable=True)], checkpoints=[checkpoint(risk="high")])
    solved = solve_checked(data)
    assert solved.result.assignments == []
    assert solved.value("coverage") == 8
    assert len(solved.roster.shortfalls) == 2


def test_skill_shortfall_is_counted() -> None:
    # min 1 with skills {"medical": 1}; the only cadre has no medical skill: the person is there but the
    # skill is missing -> coverage 1 (low risk), one shortfall with skills_missing {"medical": 1}.
    data = instance([cadre("a")], days=1, checkpoints=[checkpoint(rules=[demand(1, skills={"medical": 1})])])
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert len(solved.result.assignments) == 1
    assert [shortfall.skills_missing for shortfall in solved.roster.shortfalls] == [{"medical": 1}]


def test_skilled_cadre_is_chosen() -> None:
    # Two cadres, one medical, min 1 max 1 with skills {"medical": 1} -> the medical cadre, coverage 0.
    data = instance([cadre("a"), cadre("m", skills=["medical"])], days=1,
                    checkpoints=[checkpoint(rules=[demand(1, skills={"medical": 1})])])
    solved = solve_checked(data)
    assert [entry[0] for entry in solved.duties()] == ["m"]
    assert solved.value("coverage") == 0


def test_missing_skilled_person_counts_twice() -> None:
    # The only (medical) cadre is unavailable that day: 1 person missing + 1 skill missing -> coverage 2.
    data = instance([cadre("m", skills=["medical"], unavailable=[{"date": day(0)}])], days=1,
                    checkpoints=[checkpoint(rules=[demand(1, skills={"medical": 1})])])
    solved = solve_checked(data)
    assert solved.value("coverage") == 2
    assert solved.roster.shortfalls[0].skills_missing == {"medical": 1}


def test_standby_load_counts_for_fairness() -> None:
    # No duty wanted; 2 cadres, 2 days, 1 standby a day: fairness gives one standby to each.
    data = instance(cadres(2), checkpoints=NO_DUTY, standby={"per_community": 1})
    solved = solve_checked(data)
    assert sorted(entry[0] for entry in solved.standbys()) == ["a0", "a1"]
    assert solved.values == [0, 0, 0, 0, 0]
