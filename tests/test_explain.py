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
