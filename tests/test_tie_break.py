"""Stages that break ties by the next stage: the scale, the bound read back, the order kept."""

from __future__ import annotations

import pytest

from models.loading import parse_instance
from scheduler.model.objective import plan_stages
from scheduler.model.roster_model import RosterModel
from scheduler.search.watch import integral_bound, scaled_down

from .rules.helpers import D, N, cadre, checkpoint, demand, instance, solve_checked


@pytest.mark.parametrize(
    ("bound", "expected"),
    # 10 * expr + next >= bound with 0 <= next <= 9: expr >= (bound - 9) / 10, rounded up
    [(25, 2), (20, 2), (19, 1), (10, 1), (9, 0), (0, 0), (-5, -1)],
)
def test_a_bound_on_the_scaled_objective_bounds_the_stage(bound: int, expected: int) -> None:
    assert scaled_down(bound, 10) == expected


def test_without_a_scale_the_bound_is_the_bound() -> None:
    assert scaled_down(17, 1) == 17


@pytest.mark.parametrize(
    ("bound", "expected"),
    # an integral objective is at least the bound rounded up; floating-point noise either side of a
    # whole number must not move it (9999.9999999 once showed a proven 10000 as unproven)
    [(9999.9999999, 10000), (10000.0, 10000), (10000.0000001, 10000), (9999.5, 10000), (0.0, 0), (-0.5, 0)],
)
def test_the_solver_bound_is_rounded_up_to_a_whole_number(bound: float, expected: int) -> None:
    assert integral_bound(bound) == expected


def test_standby_and_target_know_their_largest_value() -> None:
    # 2 days x shifts D and N; one standby wanted per shift: at most 4 missing. Demand min 1,
    # target 2, max 3 on each of the 4 cells, under_weight 1 and over_weight 0.5 (100 and 50 in
    # hundredths): under at most 2 x 100 a cell; over at most (3 holders - 2) x 50 a cell.
    data = parse_instance(
        instance(
            [cadre("a"), cadre("b"), cadre("c")],
            days=2,
            shifts=[D, N],
            checkpoints=[checkpoint(rules=[demand(1, target=2, max_count=3, over_weight=0.5)])],
            standby={"per_community": 1},
        )
    )
    stages = {stage.name: stage for stage in plan_stages(RosterModel.build(data))}
    assert stages["standby"].most == 4
    assert stages["target"].most == 4 * 2 * 100 + 4 * 1 * 50


def test_the_order_of_the_stages_is_kept() -> None:
    # One cadre, one day, shift D wanted (min 1) and one standby wanted for D: the cadre cannot be
    # both on duty and on standby. Coverage first: on duty (coverage 0, standby 1), never the
    # standby that the tie-break alone would prefer.
    data = instance([cadre("a")], days=1, standby={"per_community": 1})
    solved = solve_checked(data)
    assert solved.value("coverage") == 0 and solved.value("standby") == 1
