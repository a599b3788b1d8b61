"""Tiny instances and rosters for the checker tests, built in Python.

Default instance: horizon 2024-01-01 (a Monday) for 7 days; shifts D 08:00-16:00
and N 20:00-08:00 (night); communities c1, c2; checkpoints k1 (c1, medium),
k2 (c1, high) and k3 (c2, low), each with demand min 1, target 1 on every day
and shift. No standby, no limits but the default max_duty_shifts_per_day 1.
"""

from __future__ import annotations

from typing import Any

from models.instance import Instance
from models.roster import Assignment, StandbyAssignment
from scheduler.checker.api import Evaluation

DEFAULT_SHIFTS = [
    {"id": "D", "start": "08:00", "end": "16:00"},
    {"id": "N", "start": "20:00", "end": "08:00", "night": True},
]


def demand(min_count: int = 1, target: int | None = None, **fields: Any) -> dict[str, Any]:
    return {"min": min_count, "target": min_count if target is None else target, **fields}


def default_checkpoints() -> list[dict[str, Any]]:
    return [
        {"id": "k1", "community": "c1", "risk": "medium", "demand": [demand()]},
        {"id": "k2", "community": "c1", "risk": "high", "demand": [demand()]},
        {"id": "k3", "community": "c2", "risk": "low", "demand": [demand()]},
    ]


def cadre(cadre_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": cadre_id, "communities": ["c1"], **fields}


# One standby asked per community, day and shift: tests that roster standby must ask for it
# (standby beyond what is asked is a fault of its own, `standby_beyond_wanted`).
ASKED: dict[str, Any] = {"per_community": 1}


def make_instance(cadres: list[dict[str, Any]], *, days: int = 7, start: str = "2024-01-01",
                  shifts: list[dict[str, Any]] | None = None, checkpoints: list[dict[str, Any]] | None = None,
                  **extra: Any) -> Instance:
    """An instance with the defaults above; ``extra`` sets units, rules, standby, objective."""
    data = {
        "name": "test",
        "horizon": {"start": start, "days": days},
        "shifts": DEFAULT_SHIFTS if shifts is None else shifts,
        "communities": [{"id": "c1"}, {"id": "c2"}],
        "checkpoints": default_checkpoints() if checkpoints is None else checkpoints,
        "cadres": cadres,
        **extra,
    }
    return Instance.model_validate(data)


def duty(cadre_id: str, when: str, shift: str = "D", checkpoint: str = "k1") -> Assignment:
    return Assignment.model_validate({"cadre": cadre_id, "date": when, "shift": shift, "checkpoint": checkpoint})


def on_standby(cadre_id: str, when: str, shift: str = "D", community: str = "c1") -> StandbyAssignment:
    return StandbyAssignment.model_validate({"cadre": cadre_id, "date": when, "shift": shift, "community": community})


def day(offset: int) -> str:
    """The date of day ``offset`` of the default horizon (2024-01-01 + offset)."""
    return f"2024-01-{1 + offset:02d}" if offset >= 0 else f"2023-12-{32 + offset:02d}"


def broken_rules(evaluation: Evaluation) -> set[str]:
    return {violation.rule for violation in evaluation.violations}
