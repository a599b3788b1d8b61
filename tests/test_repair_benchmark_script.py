"""benchmarks/repair.py: what it counts (from now, split at the notice window) and the least any
roster under section 7 can leave inside the window; a day played end to end."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from models.loading import load_instance, load_roster, parse_changes
from scheduler.checker import check
from scheduler.repair.events import apply_events
from tests.repair.helpers import changes, instance, roster

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "repair.py"
NIGHT_FIRST = [{"id": "N", "start": "00:00", "end": "08:00"}, {"id": "D", "start": "08:00", "end": "16:00"},
               {"id": "E", "start": "16:00", "end": "00:00"}]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("repair_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # its dataclasses look their module up
    spec.loader.exec_module(script)
    return script


def test_missing_is_split_into_before_now_the_notice_window_and_after() -> None:
    script = load_script()
    base = instance(["a"], shifts=NIGHT_FIRST)
    # now is day 1 06:00, notice 12 h (until 18:00). With nobody on duty, k1 misses one person on each
    # shift: day 0 is before now's date and not counted; day 1's N began at 00:00, before now (1); its D
    # (08:00) and E (16:00) begin inside the window (2); day 2's three shifts come after it (3).
    assert script.missing_from(base, [], [], changes(base)) == (1, 2, 3)


def test_the_least_missing_inside_the_window_keeps_what_people_were_told() -> None:
    script = load_script()
    base = instance(["a", "b"])
    # a held D and b held E on day 1, both inside the window; a falls ill on day 1. b's E is kept (it
    # may not move to D) and one duty a day is the most, so D stays one short whatever the repair does.
    old = roster([("a", "2024-01-02", "D", "k1"), ("b", "2024-01-02", "E", "k1")])
    absent = changes(base, {"kind": "absent", "cadre": "a", "from": "2024-01-02", "to": "2024-01-02"})
    assert script.least_missing_inside(apply_events(base, absent), old, absent, 10, 1) == (1, True)
    # with a third cadre free that day, the gap can be filled: nothing need be missing
    wider = instance(["a", "b", "c"])
    absent = changes(wider, {"kind": "absent", "cadre": "a", "from": "2024-01-02", "to": "2024-01-02"})
    assert script.least_missing_inside(apply_events(wider, absent), old, absent, 10, 1) == (0, True)
    # with no notice window at all, nothing is inside it
    no_notice = changes(base, {"kind": "absent", "cadre": "a", "from": "2024-01-02", "to": "2024-01-02"},
                        notice_hours=0)
    assert script.least_missing_inside(apply_events(base, no_notice), old, no_notice, 10, 1) == (0, True)


def test_a_day_is_played_and_its_files_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    script = load_script()
    tiny = ROOT / "instances" / "tiny.json"
    figures = tmp_path / "figures.json"
    monkeypatch.setattr(sys, "argv", [
        "repair.py", "--instance", str(tiny), "--solve-seconds", "5", "--absence", "0.5", "--days", "1",
        "--workers", "1", "--repair-seconds", "3", "--full-seconds", "2", "--replan-seconds", "2",
        "--window-bound", "2", "--keep", str(tmp_path / "days"), "--json", str(figures)])

    assert script.main() == 0

    total = json.loads(figures.read_text())["total"]
    assert total["days"] == 1 and total["check_failures"] == 0
    day = json.loads(figures.read_text())["daily"][0]
    # the repair keeps section 7, so inside the window it cannot leave fewer missing than the least
    assert day["inside_bound"] is not None and day["repaired_inside"] >= day["inside_bound"]
    # the kept files are the day's inputs and output: the repaired roster passes the checker on the
    # instance the day's events make of the kept one
    kept = tmp_path / "days"
    base = load_instance(kept / "2020-02-03.instance.json")
    parsed = parse_changes(json.loads((kept / "2020-02-03.changes.json").read_text()), base)
    load_roster(kept / "2020-02-03.roster.json")
    repaired = load_roster(kept / "2020-02-03.repaired.json")
    assert check(apply_events(base, parsed), repaired).lines() == []
    assert "2020-02-03" in capsys.readouterr().out


def test_kept_days_are_replayed_from_their_own_inputs_with_a_setting(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    script = load_script()
    kept, first, again = tmp_path / "days", tmp_path / "first.json", tmp_path / "again.json"
    common = ["--workers", "1", "--repair-seconds", "3", "--full-seconds", "0"]
    monkeypatch.setattr(sys, "argv", ["repair.py", "--instance", str(ROOT / "instances" / "tiny.json"),
                                      "--solve-seconds", "5", "--absence", "0.5", "--days", "2", "--keep",
                                      str(kept), "--json", str(first), *common])
    assert script.main() == 0
    monkeypatch.setattr(sys, "argv", ["repair.py", "--replay", str(kept), "--json", str(again),
                                      "--setting", "repair_open_gaps=false", *common])
    assert script.main() == 0
    played = json.loads(first.read_text())["daily"]
    replayed = json.loads(again.read_text())["daily"]
    # the same two days, from the same inputs: the same absences, duties lost and missing when struck
    assert [(day["day"], day["absent"], day["lost_duties"], day["struck"]) for day in replayed] == \
        [(day["day"], day["absent"], day["lost_duties"], day["struck"]) for day in played]
    assert all(day["check_problems"] == 0 for day in replayed)
    # without full solves the totals still count every day's missing (the won-back shares need full solves)
    total = json.loads(again.read_text())["total"]
    assert total["missing_struck"] == sum(day["struck"] for day in replayed) > 0
    assert total["missing_repaired"] == sum(day["repaired"] for day in replayed)
    assert total["won_back"] is None


def test_a_wrong_setting_stops_before_any_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = load_script()
    monkeypatch.setattr(sys, "argv", ["repair.py", "--replay", str(tmp_path), "--setting", "no_such_thing=1"])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == 2


def test_a_budget_of_changes_reaches_every_replayed_day(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # --max-changes 1 on replay: every day is repaired with that budget (the kept files say none), so
    # at most one change the events did not force is made a day. (0 may leave no roster: on this town
    # the struck roster can break a rule that only a change mends.)
    script = load_script()
    kept, again = tmp_path / "days", tmp_path / "again.json"
    common = ["--workers", "1", "--repair-seconds", "3", "--full-seconds", "0"]
    monkeypatch.setattr(sys, "argv", ["repair.py", "--instance", str(ROOT / "instances" / "tiny.json"),
                                      "--solve-seconds", "5", "--absence", "0.5", "--days", "2", "--keep",
                                      str(kept), *common])
    assert script.main() == 0
    assert all(json.loads(path.read_text()).get("max_changes") is None for path in kept.glob("*.changes.json"))
    budgets: list[int | None] = []
    play_day = script.play_day

    def noted(instance: Any, roster: Any, changes: Any, args: Any) -> Any:
        budgets.append(changes.max_changes)
        return play_day(instance, roster, changes, args)

    monkeypatch.setattr(script, "play_day", noted)
    monkeypatch.setattr(sys, "argv", ["repair.py", "--replay", str(kept), "--json", str(again),
                                      "--max-changes", "1", *common])
    assert script.main() == 0
    assert budgets == [1, 1]
    replayed = json.loads(again.read_text())["daily"]
    assert all(day["budgeted_changes"] <= 1 and day["check_problems"] == 0 for day in replayed)
