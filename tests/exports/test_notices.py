"""Notices of a repaired roster (scheduler/exports/notices.py): calendar updates for the cadres whose shifts
changed, change lists per unit and per checkpoint, and the changes in the HTML report.

The case (tests/repair/helpers.py): a on D and c on E at k1 every day, b stands by on D. The repaired
roster strikes a's D on day 1 and calls b there: two changes, for a and b only.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from icalendar import Calendar

from scheduler.checker.against import differences
from scheduler.cli import main
from scheduler.exports.ics import _uid
from scheduler.exports.notices import export_notices
from scheduler.exports.report import render_report
from scheduler.exports.tables import DUTY, STANDBY, Entry, ExportData
from tests.repair.helpers import DAYS, instance, roster

BASE = instance(["a", "b", "c", "e"], standby={"per_community": 1, "overrides": [{"shifts": ["E"], "count": 0}]})
OLD = roster(
    [(cadre, day, shift, "k1") for day in DAYS for cadre, shift in (("a", "D"), ("c", "E"))],
    [("b", day, "D") for day in DAYS],
)
NEW_DUTIES = [(cadre, day, shift, "k1") for day in DAYS for cadre, shift in (("a", "D"), ("c", "E"))
              if (cadre, day) != ("a", DAYS[1])] + [("b", DAYS[1], "D", "k1")]
NEW = roster(NEW_DUTIES, [("b", DAYS[0], "D"), ("b", DAYS[2], "D")])
NEW = NEW.model_copy(update={"version": 2, "based_on": "ab" * 32, "changes": differences(OLD, NEW)})
STAMP = datetime(2024, 1, 2, 6, 0, tzinfo=timezone.utc)


def events(payload: bytes) -> list[dict[str, str]]:
    calendar = Calendar.from_ical(payload)
    return [{key: str(component.get(key)) for key in ("UID", "SEQUENCE", "STATUS", "SUMMARY")}
            for component in calendar.walk("VEVENT")]


def test_calendar_updates_only_for_the_changed_cadres_in_place() -> None:
    data = ExportData(BASE, NEW, "en")
    files = export_notices(data, OLD, "ics", STAMP)
    assert sorted(name for name in files if name.endswith(".ics")) == ["a.ics", "b.ics"]
    day1 = datetime.strptime(DAYS[1], "%Y-%m-%d").date()
    (cancelled,) = events(files["a.ics"])
    assert cancelled["UID"] == _uid(data, Entry(DUTY, "a", day1, "D", "k1"))  # the UID a's phone knows
    assert (cancelled["STATUS"], cancelled["SEQUENCE"]) == ("CANCELLED", "1")
    (called,) = events(files["b.ics"])
    # b's standby event becomes the duty, in place: the standby's UID, SEQUENCE raised
    assert called["UID"] == _uid(data, Entry(STANDBY, "b", day1, "D", "c1"))
    assert called["SEQUENCE"] == "1" and called["STATUS"] == "None" and "k1" in called["SUMMARY"]


def test_change_lists_per_unit_and_per_checkpoint() -> None:
    files = export_notices(ExportData(BASE, NEW, "en"), OLD, "csv", STAMP)
    assert sorted(files) == ["changes_by_checkpoint.csv", "changes_by_unit.csv"]
    by_unit = pd.read_csv(io.BytesIO(files["changes_by_unit.csv"]), encoding="utf-8-sig")
    assert list(by_unit["Cadre"]) == ["a", "b"] and list(by_unit["After"]) == ["off", "duty at k1 (k1)"]
    by_checkpoint = pd.read_csv(io.BytesIO(files["changes_by_checkpoint.csv"]), encoding="utf-8-sig")
    assert list(by_checkpoint["Checkpoint"]) == ["k1 (k1)", "k1 (k1)"]  # a leaves k1, b comes
    workbook = export_notices(ExportData(BASE, NEW, "zh"), OLD, "xlsx", STAMP)
    sheets = pd.read_excel(io.BytesIO(workbook["changes.xlsx"]), sheet_name=None)
    assert sorted(sheets) == ["按单位的变动", "按卡口的变动"] and all(len(sheet) == 2 for sheet in sheets.values())


def test_a_formula_in_a_name_is_neutralised() -> None:
    named = BASE.model_copy(update={"cadres": [cadre.model_copy(update={"name": "=HYPERLINK(1)"})
                                               if cadre.id == "a" else cadre for cadre in BASE.cadres]})
    files = export_notices(ExportData(named, NEW, "en"), OLD, "csv", STAMP)
    assert "'=HYPERLINK(1)" in files["changes_by_unit.csv"].decode("utf-8-sig")


def test_the_report_of_a_repaired_roster_shows_its_changes() -> None:
    page = render_report(ExportData(BASE, NEW, "en"))
    assert "Changes from the previous roster" in page and "Version 2, repaired from" in page
    assert "Changes from the previous roster" not in render_report(ExportData(BASE, OLD, "en"))


def test_export_since_through_the_cli(tmp_path: Path) -> None:
    files = {"instance.json": BASE.model_dump_json(exclude_unset=True), "old.json": OLD.model_dump_json(),
             "new.json": NEW.model_dump_json()}
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    out = tmp_path / "notices"
    result = CliRunner().invoke(main, ["export", str(tmp_path / "instance.json"), str(tmp_path / "new.json"),
                                       "--since", str(tmp_path / "old.json"), "--format", "ics", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == ["a.ics", "b.ics", "changes_by_checkpoint.csv",
                                                           "changes_by_unit.csv"]
