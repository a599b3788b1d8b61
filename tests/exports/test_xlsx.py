from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scheduler.exports.i18n import label
from scheduler.exports.xlsx import export_xlsx

from .conftest import FORMULA_NAME, HOSTILE_ID
from .helpers import data_for, is_dangerous, restore


@pytest.fixture(params=["en", "zh"])
def workbook(request: pytest.FixtureRequest, files: tuple[Path, Path]) -> tuple[openpyxl.Workbook, str]:
    payload = export_xlsx(data_for(files, request.param))
    return openpyxl.load_workbook(io.BytesIO(payload)), request.param


def _rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_sheets_and_panes(workbook: tuple[openpyxl.Workbook, str]) -> None:
    book, lang = workbook
    names = book.sheetnames
    for key in ("sheet_checkpoint", "sheet_cadre", "sheet_unit", "sheet_metrics", "sheet_load", "sheet_shortfalls"):
        assert label(lang, key) in names
    assert names[-4:] == ["2020-02-07", "2020-02-08", "2020-02-09", "2020-02-10"]  # one dispatch sheet per day
    assert book[label(lang, "sheet_checkpoint")].freeze_panes == "F3"
    assert book[label(lang, "sheet_cadre")].freeze_panes == "F3" or book[label(lang, "sheet_cadre")].freeze_panes
    assert book["2020-02-07"].freeze_panes == "A4"
    widths = [dimension.width for dimension in book[label(lang, "sheet_cadre")].column_dimensions.values()]
    assert widths and all(4 <= width <= 41 for width in widths)


def test_by_cadre_round_trip(workbook: tuple[openpyxl.Workbook, str], roster_json: dict[str, Any]) -> None:
    book, lang = workbook
    rows = _rows(book[label(lang, "sheet_cadre")])
    header = rows[0]
    dates = {str(value).split(" ")[0]: index for index, value in enumerate(header) if value and str(value)[:2] == "20"}
    by_id = {restore(row[0]): row for row in rows[1:]}
    assert set(by_id) == {"p1", "p2", "p3", "p4", HOSTILE_ID, "p6"}
    names = {"k1": "江岸小区正门", "k2": "+cmd|' /C calc'!A0", "k3": "<img src=x onerror=alert(2)>"}
    for duty in roster_json["assignments"]:
        cell = restore(by_id[duty["cadre"]][dates[duty["date"]]])
        assert names[duty["checkpoint"]] in cell or "'" + names[duty["checkpoint"]] in cell
    for standby in roster_json["standby"]:
        assert label(lang, "standby") in by_id[standby["cadre"]][dates[standby["date"]]]
    assert restore(by_id["p3"][1]) == FORMULA_NAME


def test_by_checkpoint_counts_every_duty(workbook: tuple[openpyxl.Workbook, str],
                                         roster_json: dict[str, Any]) -> None:
    book, lang = workbook
    rows = _rows(book[label(lang, "sheet_checkpoint")])
    top, bottom = rows[0], rows[1]
    assert top[0] == label(lang, "community") and bottom[5] == "白班" and bottom[6] == "夜班"
    cells = {row[2]: row for row in rows[2:] if row[2]}
    assert set(cells) == {"k1", "k2", "k3"}
    separator = "、" if lang == "zh" else ", "
    counted = sum(len([name for name in str(value).split(" [")[0].split(separator) if name])
                  for row in cells.values() for value in row[5:] if value and not str(value).startswith("["))
    assert counted == len(roster_json["assignments"])


def test_no_formula_anywhere(workbook: tuple[openpyxl.Workbook, str]) -> None:
    book, _ = workbook
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not is_dangerous(cell.value), (sheet.title, cell.coordinate, cell.value)


def test_metrics_and_units(workbook: tuple[openpyxl.Workbook, str], roster_json: dict[str, Any]) -> None:
    book, lang = workbook
    load = _rows(book[label(lang, "sheet_load")])
    assert load[0][:2] == [label(lang, "cadre"), label(lang, "cadre_name")]
    p1 = next(row for row in load if row[0] == "p1")
    column = load[0].index(label(lang, "duty_hours"))
    assert p1[column] == roster_json["metrics"]["cadres"]["p1"]["duty_hours"]
    metrics = [value for row in _rows(book[label(lang, "sheet_metrics")]) for value in row if value is not None]
    assert label(lang, "gini") in metrics and label(lang, "most_away") in metrics
    units = _rows(book[label(lang, "sheet_unit")])
    assert any(row[3] == label(lang, "most_away") for row in units)
    dispatch = _rows(book["2020-02-08"])
    assert "2020-02-08" in dispatch[0][0]
    assert any(row[1] == label(lang, "standby_row") for row in dispatch[3:])
    assert any("138-0000-0001" in str(row[5]) for row in dispatch[3:])
