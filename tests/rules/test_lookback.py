"""Looking back and ahead: history, dual unit workdays and busy periods before and after the horizon."""

from __future__ import annotations

from datetime import date

from .helpers import D, N, cadre, checkpoint, day, demand, instance, solve_checked

SATURDAY = date(2024, 1, 6)


def history(*offsets: int, shift: str = "D", kind: str = "duty") -> list[dict[str, str]]:
    return [{"date": day(offset), "shift": shift, "kind": kind} for offset in offsets]


def test_history_work_days_extend_a_run() -> None:
    # History D on days -3..-1, max_consecutive_work_days 3, 3 days wanted -> day 0 would make a run
    # of 4 -> days 1 and 2 only, coverage 1.
    data = instance([cadre("a", history=history(-3, -2, -1))], days=3, rules={"max_consecutive_work_days": 3})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1, 2]


def test_history_standby_is_a_work_day() -> None:
    # The same with history standby: standby counts as work for work days -> same result.
    data = instance([cadre("a", history=history(-3, -2, -1, kind="standby"))], days=3,
                    rules={"max_consecutive_work_days": 3})
    solved = solve_checked(data)
    assert solved.duty_days("a") == [1, 2]


def test_history_nights_extend_consecutive_nights() -> None:
    # History N on days -2 and -1, max_consecutive_nights 2, only N wanted, 3 days -> no night on day 0,
    # nights 1 and 2 -> coverage 1.
    data = instance([cadre("a", history=history(-2, -1, shift="N"))], days=3, shifts=[N],
                    rules={"max_consecutive_nights": 2})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1, 2]


def test_history_duty_hours_in_seven_day_windows() -> None:
    # History D on days -6 and -5 (16 h), max_duty_hours_per_7_days 16, 3 days: window ending day 0
    # holds both -> no duty day 0; window ending day 1 holds day -5 (8 h) -> one duty in days 0..1;
    # window ending day 2 holds none of history -> days 1 and 2 both possible. Coverage 1, not on day 0.
    data = instance([cadre("a", history=history(-6, -5))], days=3, rules={"max_duty_hours_per_7_days": 16})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1, 2]


def test_history_night_and_rest() -> None:
    # History N on day -1 (ends 08:00 day 0), min_rest_hours 12 -> D at 08:00 on day 0 blocked; coverage 1.
    data = instance([cadre("a", history=history(-1, shift="N"))], shifts=[D, N],
                    checkpoints=[checkpoint(rules=[demand(1, shifts=["D"])])], rules={"min_rest_hours": 12})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1]


def test_fixed_facts_already_breaking_a_limit_give_no_fault() -> None:
    # History D on days -7..-1 (7 in a row) with max_consecutive_work_days 3: the history alone breaks the
    # limit (a warning, not a roster fault); the roster may not add day 0 to that run. Day 1: the window
    # of 4 days ending day 1 is [-2, 1] -> work days -2, -1, 1 = 3 -> allowed; day 2 likewise.
    # -> coverage 1, duties on days 1 and 2, status optimal, no violation.
    data = instance([cadre("a", history=history(-7, -6, -5, -4, -3, -2, -1))], days=3,
                    rules={"max_consecutive_work_days": 3})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1, 2]


def test_unit_workdays_before_the_horizon() -> None:
    # Dual cadre, unit Mon-Fri; horizon Sat 2024-01-06 + Sun; min_days_off_per_7_days 2. Window ending Sat:
    # Sun Dec 31 .. Sat -> off days: Sun 31 and Sat (if free) -> Saturday duty leaves 1 day off -> no.
    # Window ending Sun: Mon 1 .. Sun 7 -> Sat and Sun off; duty on Sunday leaves 1 -> no. Coverage 2.
    data = instance([cadre("a", unit="u", mode="dual")], start=SATURDAY, units=[{"id": "u"}],
                    rules={"min_days_off_per_7_days": 2})
    solved = solve_checked(data)
    assert solved.value("coverage") == 2
    # Control: with 1 day off asked, one of the two weekend days can be worked (not both).
    data["rules"] = {"min_days_off_per_7_days": 1}
    control = solve_checked(data)
    assert control.value("coverage") == 1


def test_unit_hours_after_the_horizon_count_for_rest() -> None:
    # Dual cadre, horizon Sat + Sun, only N 20:00-08:00 wanted. N on Sunday ends Monday 08:00 and Monday's
    # unit hours (after the horizon) start 08:30; min_rest_hours 8 -> no N on Sunday; Saturday's N ends
    # Sunday 08:00 (no unit hours) -> fine. Coverage 1, duty on day 0 only.
    data = instance([cadre("a", unit="u", mode="dual")], start=SATURDAY, shifts=[N], units=[{"id": "u"}],
                    rules={"min_rest_hours": 8})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [0]


def test_busy_period_before_the_horizon_counts_hours() -> None:
    # Busy day -2 08:00-18:00 (10 h); max_hours_per_7_days 20; 3 days of D (8 h): every window ending in
    # the horizon holds day -2 -> 10 + 8k <= 20 -> one duty in all -> coverage 2.
    busy = [{"start": f"{day(-2)}T08:00", "end": f"{day(-2)}T18:00"}]
    data = instance([cadre("a", busy=busy)], days=3, rules={"max_hours_per_7_days": 20})
    solved = solve_checked(data)
    assert solved.value("coverage") == 2
    # Control without the busy period: 2 duties (16 h) -> coverage 1.
    control = solve_checked(instance([cadre("a")], days=3, rules={"max_hours_per_7_days": 20}))
    assert control.value("coverage") == 1


def test_busy_period_before_the_horizon_is_a_work_day() -> None:
    # Busy on days -2 and -1 (one hour each), max_consecutive_work_days 2 -> no duty day 0; coverage 1.
    busy = [{"start": f"{day(offset)}T10:00", "end": f"{day(offset)}T11:00"} for offset in (-2, -1)]
    data = instance([cadre("a", busy=busy)], rules={"max_consecutive_work_days": 2})
    solved = solve_checked(data)
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1]


def test_busy_period_running_into_the_horizon_blocks_overlap() -> None:
    # Busy from day -1 22:00 to day 0 09:00 overlaps D on day 0 -> coverage 1.
    busy = [{"start": f"{day(-1)}T22:00", "end": f"{day(0)}T09:00"}]
    solved = solve_checked(instance([cadre("a", busy=busy)]))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [1]


def test_busy_period_after_the_horizon_counts_for_rest() -> None:
    # 2 days of D (ends 16:00); busy on day 2 (after the horizon) 02:00-04:00; min_rest_hours 12:
    # D on day 1 leaves 10 h -> blocked. Coverage 1.
    busy = [{"start": f"{day(2)}T02:00", "end": f"{day(2)}T04:00"}]
    solved = solve_checked(instance([cadre("a", busy=busy)], rules={"min_rest_hours": 12}))
    assert solved.value("coverage") == 1
    assert solved.duty_days("a") == [0]


def test_wholly_unavailable_day_removes_unit_hours() -> None:
    # Dual cadre, unit Mon-Fri; horizon Fri 2024-01-05 + Sat; D wanted on Saturday only;
    # max_consecutive_work_days 5. Mon-Fri are unit workdays -> a Saturday duty would be a 6th day: no.
    # Wholly unavailable on Friday: no unit hours that day, the run is broken -> Saturday duty allowed.
    saturday_only = [checkpoint(rules=[demand(1, weekdays=["sat"])])]
    common = {"start": date(2024, 1, 5), "checkpoints": saturday_only, "units": [{"id": "u"}],
              "rules": {"max_consecutive_work_days": 5}}
    working = solve_checked(instance([cadre("a", unit="u", mode="dual")], **common))
    assert working.value("coverage") == 1
    sick = solve_checked(instance([cadre("a", unit="u", mode="dual", unavailable=[{"date": "2024-01-05"}])],
                                  **common))
    assert sick.value("coverage") == 0
    assert sick.duty_days("a") == [1]
