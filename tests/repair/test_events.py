"""Applying events (scheduler/repair/events.py): the updated instance of DESIGN.md section 7.

Instance: 2024-01-01 (Monday) for 4 days; shifts N 00:00-08:00, D 08:00-16:00, E 16:00-24:00;
cadres a, b in c1; checkpoint k1 with an undated rule (min 1) and a dated rule on 01-03 and 01-04
for shift D (min 2). now = 2024-01-02T06:00, so on 01-02 N (00:00) is past, D and E are not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from models.instance import Instance
from models.loading import parse_changes
from models.references import reference_issues
from scheduler.repair.events import apply_events

INSTANCE = Instance.model_validate(
    {
        "horizon": {"start": "2024-01-01", "days": 4},
        "shifts": [
            {"id": "N", "start": "00:00", "end": "08:00", "night": True},
            {"id": "D", "start": "08:00", "end": "16:00"},
            {"id": "E", "start": "16:00", "end": "00:00"},
        ],
        "communities": [{"id": "c1"}],
        "checkpoints": [
            {"id": "k1", "community": "c1", "demand": [
                {"min": 1, "target": 1},
                {"shifts": ["D"], "dates": ["2024-01-03", "2024-01-04"], "min": 2, "target": 2},
            ]}
        ],
        "cadres": [{"id": "a", "communities": ["c1"]}, {"id": "b", "communities": ["c1"]}],
    }
)


def updated(*events: dict[str, Any]) -> Instance:
    result = apply_events(INSTANCE, parse_changes({"now": "2024-01-02T06:00", "events": list(events)}, INSTANCE))
    assert reference_issues(result) == []  # the updated instance is a valid instance
    return result


def unavailable(instance: Instance, cadre_id: str) -> list[tuple[str, list[str] | None]]:
    cadre = next(cadre for cadre in instance.cadres if cadre.id == cadre_id)
    return [(entry.date.isoformat(), entry.shifts) for entry in cadre.unavailable]


def test_absence_today_covers_only_shifts_from_now() -> None:
    result = updated({"kind": "absent", "cadre": "a", "from": "2024-01-02", "to": "2024-01-03"})
    # 01-02: N started at 00:00 before now, so only D and E; 01-03 wholly
    assert unavailable(result, "a") == [("2024-01-02", ["D", "E"]), ("2024-01-03", None)]
    assert unavailable(INSTANCE, "a") == []  # the instance given is not touched


def test_absence_of_some_shifts_merges_with_what_is_there() -> None:
    result = updated(
        {"kind": "absent", "cadre": "a", "from": "2024-01-03", "to": "2024-01-03", "shifts": ["E"]},
        {"kind": "absent", "cadre": "a", "from": "2024-01-04", "to": "2024-01-04", "shifts": ["N"]},
    )
    assert unavailable(result, "a") == [("2024-01-03", ["E"]), ("2024-01-04", ["N"])]


def test_recall_to_the_horizon_end() -> None:
    result = updated({"kind": "recalled", "cadre": "b", "from": "2024-01-03"})
    assert unavailable(result, "b") == [("2024-01-03", None), ("2024-01-04", None)]


def test_joined_cadre_is_available_from_now() -> None:
    result = updated({"kind": "joined", "cadre": {"id": "z", "communities": ["c1"]}})
    # 01-01: every shift before now; 01-02: only N (00:00) started before 06:00
    assert unavailable(result, "z") == [("2024-01-01", ["N", "D", "E"]), ("2024-01-02", ["N"])]


def test_demand_event_takes_over_the_dates_and_shifts_it_decides() -> None:
    result = updated({"kind": "demand", "checkpoint": "k1",
                      "rule": {"dates": ["2024-01-03"], "shifts": ["D", "E"], "min": 3, "target": 3}})
    rules = [(rule.dates, rule.shifts, rule.min) for rule in result.checkpoints[0].demand]
    # the old dated rule keeps 01-04 only; the new one decides D and E on 01-03
    assert rules == [([], None, 1), ([date(2024, 1, 4)], ["D"], 2), ([date(2024, 1, 3)], ["D", "E"], 3)]


def test_closed_and_opened_checkpoints() -> None:
    result = updated(
        {"kind": "closed", "checkpoint": "k1", "from": "2024-01-03"},
        {"kind": "opened", "checkpoint": {"id": "k2", "community": "c1", "demand": [{"min": 1, "target": 1}]}},
    )
    closing = result.checkpoints[0].demand[-1]
    assert (closing.dates, closing.shifts, closing.min, closing.max) == (
        [date(2024, 1, 3), date(2024, 1, 4)], None, 0, 0)
    assert len(result.checkpoints[0].demand) == 2  # the old dated rule lost both its dates
    assert [checkpoint.id for checkpoint in result.checkpoints] == ["k1", "k2"]


def test_demand_on_the_date_of_now_leaves_started_shifts_alone() -> None:
    result = updated({"kind": "closed", "checkpoint": "k1", "from": "2024-01-02"})
    rules = [(rule.dates, rule.shifts, rule.max) for rule in result.checkpoints[0].demand]
    # 01-03 and 01-04 closed wholly; on 01-02 only D and E (N began at 00:00, before now)
    assert rules[-2:] == [
        ([date(2024, 1, 3), date(2024, 1, 4)], None, 0),
        ([date(2024, 1, 2)], ["D", "E"], 0),
    ]
