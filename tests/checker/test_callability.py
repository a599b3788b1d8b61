"""Standby callability: a standby is turned into a duty alone and the rules are run again."""

from __future__ import annotations

from typing import Any

from scheduler.checker import evaluate
from scheduler.checker.api import Violation
from tests.checker.builders import ASKED, cadre, day, demand, duty, make_instance, on_standby


def callable_violations(limits: dict[str, Any], duties: list[tuple[int, str]], standbys: list[tuple[int, str]],
                        **extra: Any) -> list[Violation]:
    instance = make_instance([cadre("a", limits=limits)], **extra)
    evaluation = evaluate(instance, [duty("a", day(offset), shift) for offset, shift in duties],
                          [on_standby("a", day(offset), shift) for offset, shift in standbys])
    return [violation for violation in evaluation.violations if violation.rule == "callable"]


def test_standby_beyond_weekly_hours_is_not_callable() -> None:
    # 16 h per 7 days; duty D day 0 (8 h). Standby D day 1 as a duty: 8 + 8 = 16 (fine).
    # Standby N day 2 as a duty: 8 + 12 = 20 > 16. Each standby is judged alone: 8 + 8 + 12 is never counted.
    found = callable_violations({"max_hours_per_7_days": 16}, [(0, "D")], [(1, "D"), (2, "N")])
    assert len(found) == 1
    assert "standby N on 2024-01-03" in found[0].message
    assert "max_hours_per_7_days" in found[0].message


def test_standby_hours_do_not_count_outside_callability() -> None:
    # Two standbys of 12 h next to an 8 h duty: 32 h rostered but only 8 h of duty; each conversion gives 20 h.
    assert callable_violations({"max_hours_per_7_days": 20}, [(0, "D")], [(1, "N"), (3, "N")]) == []


def test_standby_beyond_consecutive_nights_is_not_callable() -> None:
    # Night duties days 0, 1 and a night standby day 2: as a duty, 3 nights in a row > 2.
    found = callable_violations({"max_consecutive_nights": 2}, [(0, "N"), (1, "N")], [(2, "N")])
    assert len(found) == 1 and "max_consecutive_nights" in found[0].message
    # A night standby on day 3 leaves a gap: callable.
    assert callable_violations({"max_consecutive_nights": 2}, [(0, "N"), (1, "N")], [(3, "N")]) == []


def test_standby_in_a_forbidden_succession_is_not_callable() -> None:
    # Duty N day 0 then standby D day 1: as a duty, N -> D is forbidden.
    found = callable_violations({"forbidden_successions": [["N", "D"]]}, [(0, "N")], [(1, "D")])
    assert len(found) == 1 and "forbidden succession" in found[0].message
    assert callable_violations({"forbidden_successions": [["N", "D"]]}, [(0, "N")], [(2, "D")]) == []


def test_standby_beside_a_duty_the_same_day_breaks_the_daily_duty_limit() -> None:
    # Default max_duty_shifts_per_day 1: duty D and standby N on day 0 would be 2 duties that day.
    found = callable_violations({}, [(0, "D")], [(0, "N")])
    assert len(found) == 1 and "max_duty_shifts_per_day" in found[0].message
    assert callable_violations({"max_duty_shifts_per_day": 2}, [(0, "D")], [(0, "N")]) == []


def test_standby_without_an_eligible_checkpoint_is_not_callable() -> None:
    # c1 has k1 (demand only on D) and k2 (high risk); a vulnerable cadre on standby N has nowhere to go.
    checkpoints = [
        {"id": "k1", "community": "c1", "demand": [demand(shifts=["D"])]},
        {"id": "k2", "community": "c1", "risk": "high", "demand": [demand()]},
    ]
    instance = make_instance([cadre("a", vulnerable=True)], checkpoints=checkpoints, standby=ASKED)
    night = evaluate(instance, [], [on_standby("a", day(0), "N")])
    assert [violation.rule for violation in night.violations] == ["callable"]
    assert "no checkpoint of c1" in night.violations[0].message
    assert evaluate(instance, [], [on_standby("a", day(0), "D")]).violations == []


def test_standby_counts_as_work_for_rest() -> None:
    # Rest 12 h: standby N day 0 ends day 1 08:00; duty D day 1 starts then. A rest fault, not a callability one.
    instance = make_instance([cadre("a", limits={"min_rest_hours": 12})], standby=ASKED)
    evaluation = evaluate(instance, [duty("a", day(1), "D")], [on_standby("a", day(0), "N")])
    assert [violation.rule for violation in evaluation.violations] == ["min_rest_hours"]
