"""Absence simulation: standbys called never break a hard rule (the independent checker says so)."""

from __future__ import annotations

from datetime import date

import pytest

from models.loading import parse_instance
from models.roster import Assignment, StandbyAssignment
from scheduler.checker import evaluate
from scheduler.scenarios.absence import StrictJudge, activate_standbys, draw_absences, simulate_absences
from scheduler.solver import SolveOptions, solve
from tests.scenarios.builders import tiny_data


@pytest.fixture(scope="module")
def solved() -> tuple:
    data = tiny_data(6, days=7, rules={
        "min_rest_hours": 12, "max_consecutive_work_days": 3, "max_night_shifts_per_7_days": 2,
        "max_duty_hours_per_7_days": 48, "max_consecutive_nights": 1,
    })
    instance = parse_instance(data)
    result = solve(instance, SolveOptions(time_limit=1.0, workers=1, seed=1, deterministic=True))
    assert result.status in ("optimal", "feasible") and result.standby
    return instance, result


def test_simulated_rosters_break_no_hard_rule(solved: tuple) -> None:
    instance, result = solved
    summary = simulate_absences(instance, result.assignments, result.standby, 0.25, 12, seed=5, keep_rosters=True)
    assert sum(trial.promoted for trial in summary.trials) > 0
    for trial in summary.trials:
        assert trial.instance is not None
        evaluation = evaluate(trial.instance, trial.assignments, trial.standby)
        assert evaluation.violations == [], (trial.trial, evaluation.violations[:3])
        assert not trial.strict and trial.new_violations == []
        assert trial.min_coverage_after >= trial.min_coverage_before
        assert trial.promoted <= trial.lost_duties
    row = summary.row()
    assert row["activation_violations"] == 0
    assert row["absence_min_coverage_after"] >= row["absence_min_coverage_before"]


def test_trials_repeat_and_draws_follow_the_probability(solved: tuple) -> None:
    instance, result = solved
    first = simulate_absences(instance, result.assignments, result.standby, 0.2, 3, seed=9).row()
    again = simulate_absences(instance, result.assignments, result.standby, 0.2, 3, seed=9).row()
    assert first == again
    drawn = sum(len(draw_absences(instance, 0.2, seed=1, trial=trial)) for trial in range(50))
    assert abs(drawn / (50 * 7 * len(instance.cadres)) - 0.2) < 0.03
    assert draw_absences(instance, 0.0, seed=1, trial=0) == set()


def _duty(cadre: str, day: int, shift: str = "D", checkpoint: str = "k1") -> Assignment:
    return Assignment(cadre=cadre, date=date(2024, 1, 1 + day), shift=shift, checkpoint=checkpoint)


def _standby(cadre: str, day: int, shift: str = "D", community: str = "c1") -> StandbyAssignment:
    return StandbyAssignment(cadre=cadre, date=date(2024, 1, 1 + day), shift=shift, community=community)


@pytest.mark.parametrize("judge", [None, StrictJudge])
def test_a_call_releases_the_standby_it_makes_uncallable(judge: type | None) -> None:
    """s stands by on days 1 and 2; each standby alone is callable, but both as duties exceed 24 h (D is 12 h):
    after the call on day 1, the day-2 standby cannot be called any more and is released, not kept invalid."""
    data = tiny_data(3, days=4, standby=1, rules={"max_total_hours": 24})
    data["checkpoints"] = data["checkpoints"][:1]
    data["cadres"] = [{"id": cadre_id, "communities": ["c1"]} for cadre_id in ("a", "b", "s")]
    instance = parse_instance(data)
    kept = [_duty("s", 0)]
    standby = [_standby("s", 1), _standby("s", 2)]
    assert evaluate(instance, [*kept, _duty("a", 1), _duty("b", 2)], standby).violations == []
    assignments, remaining, promoted = activate_standbys(instance, kept, standby, [_duty("a", 1), _duty("b", 2)],
                                                         judge)
    assert promoted == 1
    assert _duty("s", 1) in assignments and _duty("s", 2) not in assignments
    assert remaining == []
    assert evaluate(instance, assignments, remaining).violations == []
