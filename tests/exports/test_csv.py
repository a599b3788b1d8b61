from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from scheduler.exports.csv_export import export_csv
from scheduler.exports.i18n import label

from .conftest import FORMULA_NAME, HOSTILE_ID
from .helpers import data_for, is_dangerous, restore


def _read(payload: bytes) -> pd.DataFrame:
    assert payload.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that Excel reads Chinese correctly"
    return pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_long_round_trip(files: tuple[Path, Path], roster_json: dict[str, Any], lang: str) -> None:
    frame = _read(export_csv(data_for(files, lang), "long"))
    assert len(frame) == len(roster_json["assignments"]) + len(roster_json["standby"])

    def column(key: str) -> list[str]:
        return [restore(value) for value in frame[label(lang, key)]]

    kinds, dates, shifts = column("kind"), column("date"), column("shift")
    cadres, checkpoints, communities = column("cadre"), column("checkpoint"), column("community")
    duties = {(c, d, s, k) for kind, c, d, s, k in zip(kinds, cadres, dates, shifts, checkpoints, strict=True)
              if kind == label(lang, "duty")}
    standby = {(c, d, s, k) for kind, c, d, s, k in zip(kinds, cadres, dates, shifts, communities, strict=True)
               if kind == label(lang, "standby")}
    assert duties == {(a["cadre"], a["date"], a["shift"], a["checkpoint"]) for a in roster_json["assignments"]}
    assert standby == {(a["cadre"], a["date"], a["shift"], a["community"]) for a in roster_json["standby"]}
    assert "张敏" in column("cadre_name")
    assert HOSTILE_ID in cadres


@pytest.mark.parametrize("view", ["long", "checkpoint", "cadre", "unit", "day"])
def test_no_cell_can_run_as_a_formula(files: tuple[Path, Path], view: str) -> None:
    payload = export_csv(data_for(files), view)
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert rows, view
    for row in rows:
        for cell in row:
            assert not is_dangerous(cell), (view, cell)
    if view in ("long", "cadre"):
        assert any(cell == "'" + FORMULA_NAME for row in rows for cell in row)


def test_wide_views(files: tuple[Path, Path], roster_json: dict[str, Any]) -> None:
    data = data_for(files)
    by_checkpoint = _read(export_csv(data, "checkpoint"))
    assert len(by_checkpoint) == 3 + 2  # checkpoints plus a standby row per community
    assert len(by_checkpoint.columns) == 5 + 4 * 2
    k1 = by_checkpoint[by_checkpoint[label("en", "checkpoint")] == "k1"].iloc[0]
    assert k1["2020-02-08 Sat 白班"] == "张敏 (p1), 张敏 (p2)"  # shared names carry the id
    assert "short 1" in k1["2020-02-08 Sat 夜班"]
    by_cadre = _read(export_csv(data, "cadre"))
    assert len(by_cadre) == 6
    p2 = by_cadre[by_cadre[label("en", "cadre")] == "p2"].iloc[0]
    assert p2["2020-02-07 Fri"] == "standby 夜班 @ 江岸社区"
    assert p2["2020-02-10 Mon"] == "unit"  # dual cadre on a unit workday
    assert p2["2020-02-09 Sun"] == "off"
    hostile = by_cadre[by_cadre[label("en", "cadre")].map(restore) == HOSTILE_ID].iloc[0]
    assert hostile["2020-02-10 Mon"] == "unavailable"
    by_unit = _read(export_csv(data, "unit"))
    away = by_unit[by_unit[label("en", "cadre_name")] == label("en", "most_away")]
    assert len(away) == 2
    u1 = away[away[label("en", "unit")] == "u1"].iloc[0]
    assert u1["2020-02-08 Sat"] == ""  # not a workday of u1
    assert u1["2020-02-07 Fri"] == "1 / 1"
    by_day = _read(export_csv(data, "day"))
    assert set(by_day[label("en", "date")]) == {"2020-02-07", "2020-02-08", "2020-02-09", "2020-02-10"}
    assert by_day[label("en", "contacts")].str.contains("138-0000-0001").any()
