"""run_lengths: min_consecutive_days_off and min_consecutive_work_days (duty/standby days; inner runs only)."""

from __future__ import annotations

from .helpers import cadre, checkpoint, day, demand, instance, solve_checked


def dated(*offsets: int) -> list[dict[str, object]]:
    return [checkpoint(rules=[demand(1, dates=[day(offset) for offset in offsets])])]


def test_min_consecutive_days_off() -> None:
    # 5 days, demand on days 0, 1, 3, 4 (not 2), 1 cadre, min_consecutive_days_off 2: working all four
    # leaves a 1-day break between work -> forbidden; the best is 3 duties with a 2-day break
    # -> coverage 1.
    data = instance([cadre("a")], days=5, checkpoints=dated(0, 1, 3, 4), rules={"min_consecutive_days_off": 2})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") in ([0, 1, 4], [0, 3, 4])


def test_without_the_rule_all_four() -> None:
    # Control: no rule -> 4 duties.
    solved = solve_checked(instance([cadre("a")], days=5, checkpoints=dated(0, 1, 3, 4)))
    assert solved.value("coverage") == 0


def test_min_consecutive_work_days() -> None:
    # 5 days, demand on days 0, 2, 4, min_consecutive_work_days 2: runs touching the ends (day 0, day 4)
    # are exempt, but a lone duty on day 2 is a 1-day run with free days on both sides -> forbidden.
    # -> duties on days 0 and 4, coverage 1.
    data = instance([cadre("a")], days=5, checkpoints=dated(0, 2, 4), rules={"min_consecutive_work_days": 2})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [0, 4]


def test_min_consecutive_work_days_standby_extends_a_run() -> None:
    # 3 days, duty wanted on day 1 only, standby wanted on day 2 only (callable via a min-0 rule);
    # min_consecutive_work_days 2: duty on day 1 with a standby on day 2 forms a run touching the end
    # -> allowed; coverage 0 and standby 0.
    rules = [demand(1, dates=[day(1)]), demand(0, 0, 0, dates=[day(0), day(2)])]
    standby = {"overrides": [{"dates": [day(2)], "count": 1}]}
    data = instance([cadre("a")], days=3, checkpoints=[checkpoint(rules=rules)], standby=standby,
                    rules={"min_consecutive_work_days": 2})
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 0]


def test_min_consecutive_work_days_inner_lone_duty_needs_standby() -> None:
    # 5 days, duty wanted on day 2 only, standby wanted on day 3 only, min_consecutive_work_days 2.
    # A lone duty on day 2 is forbidden, but duty on 2 + standby on 3 is a 2-day run -> both given.
    rules = [demand(1, dates=[day(2)]), demand(0, 0, 0, dates=[day(3)])]
    standby = {"overrides": [{"dates": [day(3)], "count": 1}]}
    data = instance([cadre("a")], days=5, checkpoints=[checkpoint(rules=rules)], standby=standby,
                    rules={"min_consecutive_work_days": 2})
    solved = solve_checked(data)
    assert solved.values[:2] == [0, 0]
    assert solved.duty_days("a") == [2]
    assert [entry[1] for entry in solved.standbys("a")] == [3]
