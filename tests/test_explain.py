"""Shortfall reasons name who could have served and what stopped each of them."""

from __future__ import annotations

from models.loading import parse_instance
from scheduler.compose.roster import compose_roster
from scheduler.solver import SolveOptions, solve


def test_reason_names_the_resting_and_the_unit_bound_cadres() -> None:
    # One gate, one day shift 08:00-16:00 on 2024-01-01 (a Monday), min 1.
    # rest: worked the night before (history 20:00-08:00) and must rest 12 h -> cannot start at 08:00;
    # office: dual cadre whose unit works 08:30-17:30 on Mondays -> the shift overlaps unit hours.
    # Nobody else may serve, so the minimum is short by 1 and the reason names both.
    instance = parse_instance(
        {
            "horizon": {"start": "2024-01-01", "days": 1},
            "shifts": [
                {"id": "day", "start": "08:00", "end": "16:00"},
                {"id": "night", "start": "20:00", "end": "08:00", "night": True},
            ],
            "communities": [{"id": "c1"}],
            "checkpoints": [{"id": "gate", "community": "c1", "demand": [{"shifts": ["day"], "min": 1, "target": 1}]}],
            "units": [{"id": "u1"}],
            "cadres": [
                {
                    "id": "rest",
                    "name": "张伟",
                    "communities": ["c1"],
                    "history": [{"date": "2023-12-31", "shift": "night"}],
                },
                {"id": "office", "unit": "u1", "mode": "dual", "communities": ["c1"]},
            ],
            "rules": {"min_rest_hours": 12},
        }
    )
    options = SolveOptions(time_limit=5, workers=1, deterministic=True)
    result = solve(instance, options)
    roster = compose_roster(instance, "sha", result, options)
    assert [(item.checkpoint, item.min, item.assigned) for item in roster.shortfalls] == [("gate", 1, 0)]
    reason = roster.shortfalls[0].reason
    assert "张伟 (rest)" in reason and "min_rest_hours" in reason
    assert "office" in reason and "unit hours" in reason
    assert "free and not used" not in reason


def test_a_cadre_whose_standby_the_duty_would_leave_uncallable_is_not_called_free() -> None:
    # Two days, k1 asks one a day (08:00-16:00, 8 h), at most 8 h in any 7 days. a stands by for c1 on
    # day 1 and holds nothing on day 0. Taking k1 on day 0 breaks none of a's own limits (a standby is
    # not a duty's hours), but once called on day 1 a would work 16 h in the week: the standby would not
    # be callable. So the reason for day 0's gap names that, and does not call a free.
    from models.roster import Shortfall, StandbyAssignment
    from scheduler.compose.explain import ShortfallExplainer

    from .rules.helpers import START, cadre, day, instance

    loaded = parse_instance(instance([cadre("a")], days=2, standby={"per_community": 1},
                                     rules={"max_hours_per_7_days": 8}))
    standing = [StandbyAssignment(cadre="a", date=day(1), shift="D", community="c1")]
    gap = Shortfall(checkpoint="k1", date=START, shift="D", min=1, target=1, assigned=0)
    reason = ShortfallExplainer(loaded, [], standing).shortfall(gap)
    assert "not callable" in reason
    assert "free and not used" not in reason
