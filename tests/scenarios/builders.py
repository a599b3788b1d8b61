"""Tiny instances for the scenario tests, built in Python as instance JSON."""

from __future__ import annotations

from typing import Any


def tiny_data(cadres_per_community: int = 5, *, days: int = 5, standby: int = 1,
              rules: dict[str, Any] | None = None) -> dict[str, Any]:
    """Two communities with one checkpoint each (day and night shifts, min 1 target 2); two units.

    Cadres alternate between units u1 (seconded) and u2 (seconded) and no unit; one in five serves both
    communities."""
    cadres = []
    for community in ("c1", "c2"):
        for number in range(cadres_per_community):
            cadre_id = f"{community}p{number:02d}"
            kind = number % 3
            cadre: dict[str, Any] = {"id": cadre_id, "communities": [community]}
            if kind < 2:
                cadre.update(unit=f"u{kind + 1}", mode="seconded")
            if number % 5 == 4:
                cadre["communities"] = [community, "c2" if community == "c1" else "c1"]
            cadres.append(cadre)
    return {
        "name": "tiny",
        "horizon": {"start": "2024-01-01", "days": days},
        "shifts": [
            {"id": "D", "start": "08:00", "end": "20:00"},
            {"id": "N", "start": "20:00", "end": "08:00", "night": True},
        ],
        "communities": [{"id": "c1"}, {"id": "c2"}],
        "checkpoints": [
            {"id": "k1", "community": "c1", "risk": "high", "demand": [{"min": 1, "target": 2}]},
            {"id": "k2", "community": "c2", "risk": "low", "demand": [{"min": 1, "target": 1}]},
        ],
        "units": [{"id": "u1"}, {"id": "u2"}],
        "cadres": cadres,
        "rules": rules if rules is not None else {
            "min_rest_hours": 12, "max_consecutive_work_days": 3, "max_night_shifts_per_7_days": 2,
        },
        "standby": {"per_community": standby},
    }
