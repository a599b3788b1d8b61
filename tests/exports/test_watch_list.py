"""The burnout watch list: ranked by real strain, the few who need relief first, the rest behind <details>.

Every figure below is worked out by hand from the hand-built roster."""

from __future__ import annotations

import re
from typing import Any

import pytest

from models.loading import parse_instance
from models.roster import Assignment, Roster
from scheduler.checker import evaluate
from scheduler.exports.report import render_report
from scheduler.exports.tables import ExportData

START = "2024-01-01"  # a Monday


def _date(day: int) -> str:
    return f"2024-01-{1 + day:02d}" if day >= 0 else f"2023-12-{32 + day:02d}"


def _instance(cadres: list[dict[str, Any]], days: int = 8) -> Any:
    # D 08:00-16:00 and N 00:00-08:00 (night, load weight 1.5): 8 h each. No unit: everyone in group "none".
    return parse_instance({
        "name": "watch", "horizon": {"start": START, "days": days},
        "shifts": [{"id": "D", "start": "08:00", "end": "16:00"},
                   {"id": "N", "start": "00:00", "end": "08:00", "night": True}],
        "communities": [{"id": "c1"}],
        "checkpoints": [{"id": "k1", "community": "c1", "risk": "low", "demand": [{"min": 0, "target": 0}]}],
        "cadres": cadres,
    })


def _data(instance: Any, duties: dict[str, list[tuple[int, str]]], lang: str = "en") -> ExportData:
    assignments = [Assignment.model_validate({"cadre": cadre, "date": _date(day), "shift": shift, "checkpoint": "k1"})
                   for cadre, entries in duties.items() for day, shift in entries]
    evaluation = evaluate(instance, assignments, [])
    assert evaluation.violations == []
    roster = Roster(instance_sha256="0" * 64, status="feasible",
                    objective={"total": evaluation.stage_values, "parts": evaluation.parts},
                    assignments=assignments, metrics=evaluation.metrics)
    return ExportData(instance, roster, lang)


# streaky: D on days 0-6, a 7-day streak, 56 h: load 56 / 8 available days = 7.0
# nightly: N on days 0, 2, 4, 6: 4 nights in 7 days, streak 1; 4 x 8 h x 1.5 = 48 -> load 6.0
# busy:    D on days 0-5: streak 6; load 6.0
# carried: two history nights (days -2, -1) and N on day 0: 3 nights in 7 days; streak 1; load 12 / 8 = 1.5
# light:   D on days 0, 1: streak 2; load 2.0
# idle:    nothing
DUTIES = {
    "streaky": [(day, "D") for day in range(7)],
    "nightly": [(day, "N") for day in (0, 2, 4, 6)],
    "busy": [(day, "D") for day in range(6)],
    "carried": [(0, "N")],
    "light": [(0, "D"), (1, "D")],
}
CADRES = [{"id": cadre_id, "communities": ["c1"]} for cadre_id in ("idle", "light", "carried", "busy", "nightly",
                                                                    "streaky")]
CADRES[2]["history"] = [{"date": _date(-2), "shift": "N"}, {"date": _date(-1), "shift": "N"}]


def test_strain_is_ranked_by_hand() -> None:
    data = _data(_instance(CADRES), DUTIES)
    # Group mean load (7 + 6 + 6 + 1.5 + 2 + 0) / 6 = 3.75. Points: streak (s - 3) / 3 from 3 days up,
    # no day off in 7 days +1, load (ratio - 1) / 0.5 above the mean, nights (n - 1) / 2 above 1.
    # streaky: 4/3 + 1 + (7/3.75 - 1) / 0.5 = 4/3 + 1 + 26/15 = 4.0667
    # nightly: 0 + (6/3.75 - 1) / 0.5 = 1.2, + (4 - 1) / 2 = 1.5 -> 2.7
    # busy:    (6 - 3) / 3 = 1 + 1.2 -> 2.2
    # carried: (3 - 1) / 2 = 1 (load 0.4 of the mean: 0) -> 1.0
    # light (streak 2, load below the mean) and idle score 0: not listed.
    watch = data.watch_list()
    assert list(watch["cadre"]) == ["streaky", "nightly", "busy", "carried"]
    assert list(watch["strain"]) == [pytest.approx(4.07, abs=0.005), 2.7, 2.2, 1.0]
    assert list(watch["needs_relief"]) == [True, True, True, False]
    assert data.nights_in_7_days(data.cadres["carried"]) == 3  # history nights count
    assert data.nights_in_7_days(data.cadres["nightly"]) == 4
    assert watch.set_index("cadre").loc["streaky", "signals"] == (
        "work streak 7 days; no day off in 7 days; load 187% of group mean")


def test_limits_reached_are_shown_but_are_no_strain() -> None:
    # light reaches max_total_hours (16 h of 16) exactly: a limit reached, but no sign of strain.
    cadres = [dict(cadre) for cadre in CADRES]
    cadres[1]["limits"] = {"max_total_hours": 16}
    data = _data(_instance(cadres), DUTIES)
    assert data.reached_limits()["light"] == {"max_total_hours"}
    assert "light" not in set(data.watch_list()["cadre"])


def test_the_report_shows_who_needs_relief_first_and_the_rest_behind_details() -> None:
    page = render_report(_data(_instance(CADRES), DUTIES))
    section = re.search(r'<section id="watch">.*?</section>', page, re.S)
    assert section is not None
    first, _, rest = section.group(0).partition("<details")
    assert "3 cadres need relief (strain 2 or more); the 3 most strained first" in first
    assert [name for name in ("streaky", "nightly", "busy", "carried") if f"<td>{name}</td>" in first] == [
        "streaky", "nightly", "busy"]
    assert first.index("<td>streaky</td>") < first.index("<td>nightly</td>") < first.index("<td>busy</td>")
    assert "1 more cadres on the watch list" in rest and "<td>carried</td>" in rest
    # The KPI counts those who need relief.
    assert re.search(r'<div class="v">3</div><div class="k">Need relief</div>', page)


def test_at_most_twenty_come_first() -> None:
    # 22 cadres on D every day 0-6 and 3 idle: loads 7.0 x 22, mean 154 / 25 = 6.16. Each scores
    # 4/3 + 1 + (7 / 6.16 - 1) / 0.5 = 2.61: all 22 need relief; the first 20 (in instance order, as they tie)
    # come first, the last two behind <details>.
    ids = [f"w{number:02d}" for number in range(22)] + ["i0", "i1", "i2"]
    cadres = [{"id": cadre_id, "communities": ["c1"]} for cadre_id in ids]
    duties = {cadre_id: [(day, "D") for day in range(7)] for cadre_id in ids[:22]}
    data = _data(_instance(cadres), duties)
    watch = data.watch_list()
    assert list(watch["cadre"]) == ids[:22]
    assert list(watch["strain"].round(2).unique()) == [2.61]
    page = render_report(data)
    section = re.search(r'<section id="watch">.*?</section>', page, re.S)
    assert section is not None
    first, _, rest = section.group(0).partition("<details")
    assert "22 cadres need relief (strain 2 or more); the 20 most strained first" in first
    assert first.count("<tr>") == 21  # header + 20
    assert "2 more cadres on the watch list" in rest
    assert "<td>w20</td>" in rest and "<td>w21</td>" in rest and "<td>w19</td>" not in rest


def test_signals_name_only_the_signs_that_add_to_the_strain() -> None:
    signals = _data(_instance(CADRES), DUTIES).watch_list().set_index("cadre")["signals"]
    assert signals["nightly"] == "load 160% of group mean; 4 nights in 7 days"  # streak 1: no sign
    assert signals["carried"] == "3 nights in 7 days"  # load 40 % of the mean: no sign
