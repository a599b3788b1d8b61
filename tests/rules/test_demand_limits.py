"""demand_limits: at most ``max`` on duty per checkpoint, day and shift; duty only where a demand rule applies."""

from __future__ import annotations

from .helpers import cadres, checkpoint, day, demand, instance, solve_checked


def test_max_caps_what_fairness_would_add() -> None:
    # 3 cadres, 1 day, min 1 target 1 max 2 (over_weight 0). Fairness would put all 3 on duty (equal
    # loads); the hard max allows 2 -> exactly 2 on duty. Loads in units: 480 min * 100 / 1 day = 48000
    # each for the two, 0 for the third; mean floor(96000 / 3) = 32000, a quarter of it 8000 -> the two
    # deviations of 16000 weigh 16000 + 8000 each, the one of 32000 weighs 32000 + 24000 + 16000 + 8000:
    # fairness 48000 + 80000 = 128000 (one on duty would give 184000: see test_target_before_fairness).
    data = instance(cadres(3), days=1, checkpoints=[checkpoint(rules=[demand(1, 1, 2)])])
    solved = solve_checked(data)
    assert len(solved.result.assignments) == 2
    assert solved.values[:4] == [0, 0, 0, 128000]


def test_without_max_fairness_fills_beyond_target() -> None:
    # Control: the same without max -> 3 on duty, fairness 0.
    data = instance(cadres(3), days=1, checkpoints=[checkpoint(rules=[demand(1, 1, None)])])
    solved = solve_checked(data)
    assert len(solved.result.assignments) == 3
    assert solved.values[:4] == [0, 0, 0, 0]


def test_max_zero_forbids_duty_even_below_min() -> None:
    # An undated rule min 1 / max 1 and a dated rule for day 1 with min 0, target 0, max 0 (overrides):
    # 2 cadres, 2 days -> one duty on day 0, none on day 1; coverage 0.
    rules = [demand(1), demand(0, 0, 0, dates=[day(1)])]
    solved = solve_checked(instance(cadres(2), checkpoints=[checkpoint(rules=rules)]))
    assert solved.value("coverage") == 0
    assert [entry[1] for entry in solved.duties()] == [0]


def test_max_is_hard_even_when_fairness_would_add_duties() -> None:
    # 3 cadres, 2 days, min 1 target 1 max 2, over_weight 0. Fairness alone would like a duty each
    # (3 duties) or 2 each (6); max 2 per cell leaves at most 4 duties: never more than 2 per day.
    data = instance(cadres(3), checkpoints=[checkpoint(rules=[demand(1, 1, 2)])])
    solved = solve_checked(data)
    for offset in (0, 1):
        assert 1 <= len(solved.duties(offset=offset)) <= 2
    assert solved.values[:3] == [0, 0, 0]


def test_duty_only_where_a_demand_rule_applies() -> None:
    # Demand only on Mondays (weekdays ["mon"]), horizon Mon-Wed, 2 cadres: the only possible duty is
    # on day 0 (Monday), even though fairness would like both cadres to work.
    rules = [demand(1, 1, None, weekdays=["mon"])]
    solved = solve_checked(instance(cadres(2), days=3, checkpoints=[checkpoint(rules=rules)]))
    assert {entry[1] for entry in solved.duties()} == {0}
    assert solved.value("coverage") == 0


def test_dated_rule_overrides_the_undated_one() -> None:
    # Undated min 1 max 1; dated (day 1) min 2 max 2; 3 cadres, 2 days -> 1 on day 0, 2 on day 1.
    rules = [demand(1), demand(2, dates=[day(1)])]
    solved = solve_checked(instance(cadres(3), checkpoints=[checkpoint(rules=rules)]))
    assert len(solved.duties(offset=0)) == 1
    assert len(solved.duties(offset=1)) == 2
    assert solved.value("coverage") == 0


def test_rule_limited_to_a_shift() -> None:
    # Two shifts D and E; the rule lists shifts ["E"] only -> nobody on D.
    from .helpers import D, E

    rules = [demand(1, shifts=["E"])]
    solved = solve_checked(instance(cadres(2), shifts=[D, E], checkpoints=[checkpoint(rules=rules)]))
    assert solved.duties(shift="D") == []
    assert len(solved.duties(shift="E")) == 2
