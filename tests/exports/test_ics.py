from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from models.loading import load_instance, load_roster
from scheduler.exports.ics import export_ics
from scheduler.exports.safety import safe_filename
from scheduler.exports.tables import ExportData

from .conftest import HOSTILE_ID, NEWLINE_NAME, instance_data
from .helpers import data_for

SHIFT_TIMES = {"day": ("08:00", 12), "night": ("20:00", 12)}


def _events(payload: bytes) -> list[Any]:
    return list(Calendar.from_ical(payload).walk("VEVENT"))


def test_one_calendar_per_cadre_round_trip(files: tuple[Path, Path], roster_json: dict[str, Any]) -> None:
    calendars = export_ics(data_for(files))
    assert set(calendars) == {safe_filename(cadre_id, ".ics") for cadre_id in ("p1", "p2", "p3", "p4", HOSTILE_ID,
                                                                                "p6")}
    zone = ZoneInfo("Asia/Shanghai")
    for cadre_id in ("p1", "p2", "p3", "p4", HOSTILE_ID, "p6"):
        events = _events(calendars[safe_filename(cadre_id, ".ics")])
        expected = set()
        for item in roster_json["assignments"] + roster_json["standby"]:
            if item["cadre"] != cadre_id:
                continue
            start, hours = SHIFT_TIMES[item["shift"]]
            begin = datetime.fromisoformat(f"{item['date']}T{start}").replace(tzinfo=zone)
            expected.add((begin, begin + timedelta(hours=hours)))
        found = {(event.decoded("dtstart"), event.decoded("dtend")) for event in events}
        assert found == expected, cadre_id
        for event in events:
            assert event.decoded("dtstart").utcoffset() == timedelta(hours=8)
        assert len({str(event["uid"]) for event in events}) == len(events)


def test_other_time_zone(tmp_path: Path, files: tuple[Path, Path]) -> None:
    instance_path = tmp_path / "berlin.json"
    instance_path.write_text(json.dumps(instance_data("Europe/Berlin"), ensure_ascii=False), encoding="utf-8")
    data = ExportData(load_instance(instance_path), load_roster(files[1]))
    event = _events(export_ics(data)["p1.ics"])[0]
    start = event.decoded("dtstart")
    assert start == datetime(2020, 2, 7, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert start.utcoffset() == timedelta(hours=1)
    assert b"BEGIN:VTIMEZONE" in export_ics(data)["p1.ics"]


def test_newlines_cannot_inject_properties(files: tuple[Path, Path]) -> None:
    payload = export_ics(data_for(files))[safe_filename(HOSTILE_ID, ".ics")]
    text = payload.decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == len(_events(payload)) == 2
    assert not any(line.startswith("SUMMARY:pwned") for line in lines)
    calendar = Calendar.from_ical(payload)
    assert " ".join(NEWLINE_NAME.split()) in str(calendar["x-wr-calname"])  # kept, on one line


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summaries_are_localised(files: tuple[Path, Path], lang: str) -> None:
    events = _events(export_ics(data_for(files, lang))["p2.ics"])
    summaries = sorted(str(event["summary"]) for event in events)
    if lang == "zh":
        assert summaries == sorted(["值班：江岸小区正门（白班 08:00–20:00）", "候补：江岸社区（夜班 20:00–08:00）"])
    else:
        assert summaries == ["Duty: 江岸小区正门 (白班 08:00–20:00)", "Standby: 江岸社区 (夜班 20:00–08:00)"]
