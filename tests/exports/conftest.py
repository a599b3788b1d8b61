"""A small instance and a hand-made roster with hostile names, written to files for the exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models.loading import parse_instance
from models.roster import Roster
from scheduler.checker import evaluate
from scheduler.files import sha256_of

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
SCRIPT_NAME = "<script>alert(1)</script>"
NEWLINE_NAME = "Mallory\r\nBEGIN:VEVENT\nSUMMARY:pwned"
HOSTILE_ID = "../../etc/=evil id"


def instance_data(timezone: str = "Asia/Shanghai") -> dict[str, Any]:
    return {
        "name": "测试镇 <b>test</b>",
        "horizon": {"start": "2020-02-07", "days": 4, "timezone": timezone},
        "shifts": [
            {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
            {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00", "night": True},
        ],
        "communities": [{"id": "c1", "name": "江岸社区"}, {"id": "c2", "name": "@SUM(1+1)"}],
        "checkpoints": [
            {"id": "k1", "name": "江岸小区正门", "community": "c1", "risk": "high",
             "demand": [{"min": 1, "target": 2}]},
            {"id": "k2", "name": "+cmd|' /C calc'!A0", "community": "c1", "risk": "low",
             "demand": [{"shifts": ["day"], "min": 1, "target": 1}]},
            {"id": "k3", "name": "<img src=x onerror=alert(2)>", "community": "c2",
             "demand": [{"min": 1, "target": 1}]},
        ],
        "units": [
            {"id": "u1", "name": "镇党政办", "max_away": 1},
            {"id": "u2", "name": "-2+3", "workdays": ["mon", "tue", "wed", "thu", "fri", "sat"]},
        ],
        "cadres": [
            {"id": "p1", "name": "张敏", "unit": "u1", "mode": "seconded", "communities": ["c1"],
             "contact": "138-0000-0001"},
            {"id": "p2", "name": "张敏", "unit": "u1", "mode": "dual", "communities": ["c1"]},
            {"id": "p3", "name": FORMULA_NAME, "unit": "u2", "mode": "seconded", "communities": ["c1", "c2"],
             "contact": "=1+2"},
            {"id": "p4", "name": SCRIPT_NAME, "communities": ["c2"]},
            {"id": HOSTILE_ID, "name": NEWLINE_NAME, "communities": ["c1", "c2"],
             "unavailable": [{"date": "2020-02-10"}]},
            {"id": "p6", "name": "李娜", "unit": "u2", "mode": "dual", "communities": ["c2"]},
        ],
        "rules": {"min_rest_hours": 12, "max_consecutive_work_days": 3},
        "standby": {"per_community": 1},
    }


def roster_data(instance_path: Path) -> dict[str, Any]:
    assignments = [
        ("p1", "2020-02-07", "day", "k1"), ("p3", "2020-02-07", "day", "k2"), ("p4", "2020-02-07", "day", "k3"),
        (HOSTILE_ID, "2020-02-07", "night", "k1"), ("p6", "2020-02-07", "night", "k3"),
        ("p1", "2020-02-08", "day", "k1"), ("p2", "2020-02-08", "day", "k1"), ("p3", "2020-02-08", "day", "k3"),
        ("p4", "2020-02-08", "night", "k3"), ("p1", "2020-02-09", "day", "k1"),
        (HOSTILE_ID, "2020-02-09", "day", "k2"), ("p6", "2020-02-09", "day", "k3"),
        ("p3", "2020-02-10", "night", "k1"), ("p4", "2020-02-10", "day", "k3"),
    ]
    standby = [("p2", "2020-02-07", "night", "c1"), ("p4", "2020-02-09", "night", "c2"),
               ("p3", "2020-02-09", "night", "c1")]
    return {
        "instance": "测试镇 <b>test</b>",
        "instance_sha256": sha256_of(instance_path),
        "status": "feasible",
        "objective": {"mode": "lexicographic", "total": [1, 2, 3, 4, 5], "parts": {}},
        "assignments": [{"cadre": c, "date": d, "shift": s, "checkpoint": k} for c, d, s, k in assignments],
        "standby": [{"cadre": c, "date": d, "shift": s, "community": k} for c, d, s, k in standby],
        "shortfalls": [{"checkpoint": "k1", "date": "2020-02-08", "shift": "night", "min": 1, "target": 2,
                        "assigned": 0, "reason": "nobody free <img src=x onerror=alert(3)>\n=cmd"}],
        "standby_shortfalls": [{"community": "c1", "date": "2020-02-08", "shift": "day", "count": 1,
                                "assigned": 0, "reason": "all resting"}],
        "conflicts": [],
        "metrics": {},
    }


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """(instance.json, roster.json) with metrics filled in by the checker, as a solve would."""
    instance_path = tmp_path / "instance.json"
    instance_path.write_text(json.dumps(instance_data(), ensure_ascii=False), encoding="utf-8")
    roster = roster_data(instance_path)
    instance = parse_instance(json.loads(instance_path.read_text(encoding="utf-8")))
    model = Roster.model_validate(roster)
    roster["metrics"] = evaluate(instance, model.assignments, model.standby).metrics
    roster_path = tmp_path / "roster.json"
    roster_path.write_text(json.dumps(roster, ensure_ascii=False), encoding="utf-8")
    return instance_path, roster_path


@pytest.fixture
def roster_json(files: tuple[Path, Path]) -> dict[str, Any]:
    return json.loads(files[1].read_text(encoding="utf-8"))
