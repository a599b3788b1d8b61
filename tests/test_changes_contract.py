"""The changes file contract (models/changes.py, models/loading.py): shapes and checks against the instance.

The instance: 2024-01-01 (Monday) for 3 days, shifts D 08:00-16:00 and N 20:00-08:00, cadres a and b
in community c1, checkpoint k1. ``now`` is 2024-01-02T06:00 unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.changes import Absent, Joined
from models.instance import Instance
from models.loading import InputError, parse_changes
from models.roster import Roster

INSTANCE = Instance.model_validate(
    {
        "horizon": {"start": "2024-01-01", "days": 3},
        "shifts": [{"id": "D", "start": "08:00", "end": "16:00"}, {"id": "N", "start": "20:00", "end": "08:00"}],
        "communities": [{"id": "c1"}],
        "checkpoints": [{"id": "k1", "community": "c1", "demand": [{"min": 1, "target": 1}]}],
        "cadres": [{"id": "a", "communities": ["c1"]}, {"id": "b", "communities": ["c1"]}],
    }
)


def changes(*events: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"now": "2024-01-02T06:00", "events": list(events), **fields}


def issues_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as raised:
        parse_changes(data, INSTANCE)
    return [str(issue) for issue in raised.value.issues]


def test_a_good_file_parses_with_defaults() -> None:
    parsed = parse_changes(
        changes(
            {"kind": "absent", "cadre": "a", "from": "2024-01-02", "to": "2024-01-03"},
            {"kind": "joined", "cadre": {"id": "z", "communities": ["c1"]}},
        ),
        INSTANCE,
    )
    assert parsed.notice_hours == 12 and parsed.max_changes is None
    assert isinstance(parsed.events[0], Absent) and isinstance(parsed.events[1], Joined)


def test_now_is_required() -> None:
    assert issues_of({"events": []}) == ["now: required field is missing"]


def test_every_problem_with_its_path() -> None:
    found = issues_of(
        changes(
            {"kind": "absent", "cadre": "nobody", "from": "2024-01-02", "to": "2024-01-02"},
            {"kind": "closed", "checkpoint": "k9", "from": "2024-01-03"},
            {"kind": "absent", "cadre": "a", "from": "2024-01-02", "to": "2024-01-09"},
            {"kind": "recalled", "cadre": "b", "from": "2024-01-01"},
        )
    )
    assert found == [
        "events[0].cadre: unknown cadre 'nobody'",
        "events[1].checkpoint: unknown checkpoint 'k9'",
        "events[2].to: date 2024-01-09 is outside the horizon 2024-01-01 to 2024-01-03",
        "events[3].from: date 2024-01-01 is before now (2024-01-02): events never reach into the past",
    ]


def test_duplicate_events() -> None:
    # the second absence repeats 2024-01-03 of the first: a duplicate
    found = issues_of(
        changes(
            {"kind": "absent", "cadre": "a", "from": "2024-01-02", "to": "2024-01-03"},
            {"kind": "absent", "cadre": "a", "from": "2024-01-03", "to": "2024-01-03"},
        )
    )
    assert len(found) == 1 and found[0].startswith("events[1]: duplicate event: the same as events[0]")


def test_shapes_are_strict() -> None:
    found = issues_of(changes({"kind": "absent", "cadre": "a", "from": "2024-01-03", "to": "2024-01-02"}))
    assert found == ["events[0]: 'to' (2024-01-02) must not be before 'from' (2024-01-03)"]
    found = issues_of(changes({"kind": "demand", "checkpoint": "k1", "rule": {"min": 1, "target": 1}}))
    assert found == ["events[0]: a demand event's rule must list 'dates'"]
    assert issues_of(changes(max_changes=-1)) == ["max_changes: Input should be greater than or equal to 0"]


def test_now_outside_the_horizon() -> None:
    found = issues_of({"now": "2024-02-01T06:00"})
    assert found == ["now: 2024-02-01T06:00 is outside the horizon 2024-01-01 to 2024-01-03"]


def test_joined_cadre_references() -> None:
    found = issues_of(changes({"kind": "joined", "cadre": {"id": "a", "communities": ["c9"]}}))
    assert found == ["events[0].cadre.id: cadre 'a' is already in the instance",
                     "events[0].cadre.communities[0]: unknown community 'c9'"]


def test_old_rosters_stay_valid_and_repaired_ones_carry_their_changes() -> None:
    old = {"instance_sha256": "x", "status": "feasible", "objective": {"total": None}}
    assert "version" not in Roster.model_validate(old).model_dump(mode="json")
    repaired = Roster.model_validate(
        {**old, "version": 2, "based_on": "y",
         "changes": [{"cadre": "a", "date": "2024-01-02", "shift": "D", "before": {"checkpoint": "k1"},
                      "after": {"standby": "c1"}}]}
    )
    assert repaired.model_dump(mode="json")["changes"][0]["after"] == {"standby": "c1"}
