"""improve: a whole roster made cheaper cadre by cadre, each cadre's duties re-chosen with the others held."""

from __future__ import annotations

from models.loading import parse_instance
from scheduler.model.calendar import Calendar
from scheduler.model.variables import DutyKey
from scheduler.search.budget import Budget
from scheduler.search.improve import improve

from .rules.helpers import cadre, checkpoint, day, demand, instance
from .test_construct import UNLIMITED, SmallSolver

ONE_DUTY = {"max_total_hours": 8}  # shift D lasts 8 h


def two_days_one_wanted_each() -> object:
    # 2 days, D wanted min 1 (target 1, no max) on each; a and b may each work one duty.
    return parse_instance(
        instance(
            [cadre("a", limits=ONE_DUTY), cadre("b", limits=ONE_DUTY)],
            days=2,
            checkpoints=[checkpoint(rules=[demand(1, max_count=None)])],
        )
    )


def duty(cadre_id: str, day: int) -> DutyKey:
    return DutyKey(cadre_id, day, "D", "k1")


def test_a_cadre_moves_to_the_place_left_uncovered() -> None:
    # Start: a and b both on day 0, day 1 uncovered (coverage 1). a's own model, with b holding
    # day 0, sees min 0 on day 0 and min 1 on day 1: its current duty costs 1, day 1 costs 0, so
    # a moves. b's own model, with a on day 1, sees day 0 wanted: its duty there costs 0 and
    # nothing is cheaper, so b stays. The second pass changes nothing and ends it: 4 steps.
    data = two_days_one_wanted_each()
    better = improve(data, Calendar(data), [duty("a", 0), duty("b", 0)], SmallSolver(), UNLIMITED)
    assert better.duties == [duty("a", 1), duty("b", 0)]
    assert (better.changed, better.steps, better.passes) == (1, 4, 2)


def test_a_roster_nothing_beats_stays_as_it_is() -> None:
    # a on day 0 and b on day 1 cover both days: no cadre's duties can cost less than 0.
    data = two_days_one_wanted_each()
    start = [duty("a", 0), duty("b", 1)]
    better = improve(data, Calendar(data), start, SmallSolver(), UNLIMITED)
    assert better.duties == start
    assert (better.changed, better.steps, better.passes) == (0, 2, 1)


def test_no_step_begins_when_less_is_left_than_a_step_costs() -> None:
    # Each solve reports 1 unit, a step is 2 solves (current duties, then the search). With a
    # budget of 3: a's step uses 2, leaving 1 < 2 on average, so b's step never begins.
    data = two_days_one_wanted_each()
    budget = Budget(3.0, deterministic=True)
    better = improve(data, Calendar(data), [duty("a", 0), duty("b", 0)], SmallSolver(charge=1.0), budget)
    assert (better.steps, budget.spent()) == (1, 2.0)
    assert better.duties == [duty("a", 1), duty("b", 0)]


def test_demand_max_is_kept() -> None:
    # D wanted min 1 and at most 1 on each of 2 days; a may work both, b one; a asks to work day 1
    # (weighted: coverage + requests). Start: a on day 0, b on day 1, the request not granted.
    # Adding day 1 would grant it, but b holds day 1's one place, so a's own model cannot: the
    # roster stays as it is. (Without the left-over max, a would take day 1 too.)
    wants_day_1 = {"date": day(1), "shift": "D", "kind": "on", "weight": 1}
    data = parse_instance(
        instance(
            [cadre("a", requests=[wants_day_1]), cadre("b", limits=ONE_DUTY)],
            days=2,
            checkpoints=[checkpoint(rules=[demand(1, max_count=1)])],
            objective={"mode": "weighted", "weights": {"coverage": 1, "requests": 1}},
        )
    )
    start = [duty("a", 0), duty("b", 1)]
    better = improve(data, Calendar(data), start, SmallSolver(), UNLIMITED)
    assert better.duties == start
    assert better.changed == 0
