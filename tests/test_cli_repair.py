"""``schedule repair`` and ``schedule check --against`` through click's CliRunner: exit codes, files written
or not. The case is that of tests/checker/test_against.py: a absent on day 1, b's standby called."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scheduler.cli import main
from tests.repair.helpers import DAYS, NOW, instance, roster

BASE = instance(["a", "b", "c", "e"], standby={"per_community": 1, "overrides": [{"shifts": ["E"], "count": 0}]})
OLD = roster(
    [(cadre, day, shift, "k1") for day in DAYS for cadre, shift in (("a", "D"), ("c", "E"))],
    [("b", day, "D") for day in DAYS],
)
ABSENT = {"kind": "absent", "cadre": "a", "from": DAYS[1], "to": DAYS[1]}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"instance": tmp_path / "instance.json", "roster": tmp_path / "roster.json",
             "changes": tmp_path / "changes.json"}
    paths["instance"].write_text(BASE.model_dump_json(exclude_unset=True), encoding="utf-8")
    paths["roster"].write_text(OLD.model_dump_json(), encoding="utf-8")
    paths["changes"].write_text(json.dumps({"now": NOW, "events": [ABSENT]}), encoding="utf-8")
    return paths


def repair_args(files: dict[str, Path], output: Path, *more: str) -> list[str]:
    return ["repair", str(files["instance"]), str(files["roster"]), str(files["changes"]), "-o", str(output),
            "--time-limit", "8", "--workers", "1", "--lang", "en", *more]


def test_repair_writes_both_files_and_they_pass_check_against(files: dict[str, Path], tmp_path: Path) -> None:
    output = tmp_path / "roster.v2.json"
    result = run(*repair_args(files, output))
    assert result.exit_code == 0, result.output
    assert "1 made by the repair" in result.output and "standby called to duty: 1" in result.output
    assert "b 2024-01-02 D: standby for c1 -> duty at k1" in result.output
    written: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    assert written["version"] == 2
    assert written["based_on"] == hashlib.sha256(files["roster"].read_bytes()).hexdigest()
    assert len(written["changes"]) == 2
    updated = tmp_path / "instance.v2.json"  # the default next to --output
    assert written["instance_sha256"] == hashlib.sha256(updated.read_bytes()).hexdigest()
    checked = run("check", str(updated), str(output), "--against", str(files["roster"]),
                  "--changes", str(files["changes"]))
    assert checked.exit_code == 0, checked.output


def test_check_against_fails_a_tampered_roster(files: dict[str, Path], tmp_path: Path) -> None:
    output = tmp_path / "roster.v2.json"
    assert run(*repair_args(files, output)).exit_code == 0
    data = json.loads(output.read_text(encoding="utf-8"))
    data["changes"] = data["changes"][:1]  # one difference left out
    output.write_text(json.dumps(data), encoding="utf-8")
    checked = run("check", str(tmp_path / "instance.v2.json"), str(output), "--against", str(files["roster"]),
                  "--changes", str(files["changes"]))
    assert checked.exit_code == 1
    assert "is not listed" in checked.output


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([{"kind": "absent", "cadre": "nobody", "from": DAYS[1], "to": DAYS[1]}], "events[0].cadre: unknown cadre"),
        ([{"kind": "absent", "cadre": "a", "from": DAYS[0], "to": DAYS[1]}], "events[0].from: date 2024-01-01 is "
                                                                              "before now"),
        ([ABSENT, ABSENT], "events[1]: duplicate event"),
        ([{"kind": "closed", "checkpoint": "k1", "from": "2030-01-01"}], "events[0].from: date 2030-01-01 is outside"),
    ],
)
def test_bad_changes_exit_2_and_write_nothing(files: dict[str, Path], tmp_path: Path, events: list[Any],
                                              expected: str) -> None:
    files["changes"].write_text(json.dumps({"now": NOW, "events": events}), encoding="utf-8")
    output = tmp_path / "roster.v2.json"
    result = run(*repair_args(files, output))
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not output.exists() and not (tmp_path / "instance.v2.json").exists()


def test_repair_never_overwrites_an_input(files: dict[str, Path], tmp_path: Path) -> None:
    before = files["roster"].read_bytes()
    result = run(*repair_args(files, files["roster"]))
    assert result.exit_code == 2 and "never overwrites" in result.output
    assert files["roster"].read_bytes() == before
    result = run(*repair_args(files, tmp_path / "out.json", "--instance-out", str(files["instance"])))
    assert result.exit_code == 2 and not (tmp_path / "out.json").exists()


def test_check_against_needs_changes(files: dict[str, Path]) -> None:
    result = run("check", str(files["instance"]), str(files["roster"]), "--against", str(files["roster"]))
    assert result.exit_code == 2 and "--against needs --changes" in result.output


def test_suggest_json_and_a_bad_question(files: dict[str, Path]) -> None:
    # replacing c on day 1 E: b and e are free that evening (b stands by on D only), a is struck by nothing
    result = run("suggest", str(files["instance"]), str(files["roster"]), "--cadre", "c", "--date", DAYS[1],
                 "--shift", "E", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["checkpoint"] == "k1" and answer["replacing"] == "c"
    assert {candidate["cadre"] for candidate in answer["candidates"]} == {"e"}
    reasons = {item["cadre"]: item["reason"] for item in answer["cannot"]}
    assert set(reasons) == {"a", "b"}  # one duty a day (a), and b's standby would no longer be callable
    assert "not callable" in reasons["b"]
    result = run("suggest", str(files["instance"]), str(files["roster"]), "--cadre", "e", "--date", DAYS[1],
                 "--shift", "E")
    assert result.exit_code == 2 and "has no duty" in result.output


def test_repair_speaks_chinese(files: dict[str, Path], tmp_path: Path) -> None:
    args = [arg if arg != "en" else "zh" for arg in repair_args(files, tmp_path / "roster.v2.json")]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "调用候补上岗：1 人次" in result.output and "b 2024-01-02 D: 为 c1 候补 -> 在 k1 值班" in result.output


def test_a_second_repair_is_version_3_beside_instance_v3(files: dict[str, Path], tmp_path: Path) -> None:
    assert run(*repair_args(files, tmp_path / "roster.v2.json")).exit_code == 0
    later = tmp_path / "changes2.json"
    later.write_text(json.dumps({"now": "2024-01-03T06:00", "events": [
        {"kind": "absent", "cadre": "c", "from": DAYS[2], "to": DAYS[2]}]}), encoding="utf-8")
    result = run("repair", str(tmp_path / "instance.v2.json"), str(tmp_path / "roster.v2.json"), str(later),
                 "-o", str(tmp_path / "roster.v3.json"), "--workers", "1")
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "roster.v3.json").read_text(encoding="utf-8"))
    assert written["version"] == 3
    assert written["based_on"] == hashlib.sha256((tmp_path / "roster.v2.json").read_bytes()).hexdigest()
    checked = run("check", str(tmp_path / "instance.v3.json"), str(tmp_path / "roster.v3.json"),
                  "--against", str(tmp_path / "roster.v2.json"), "--changes", str(later))
    assert checked.exit_code == 0, checked.output


def test_suggest_speaks_chinese(files: dict[str, Path]) -> None:
    # the same question as above, in Chinese: e (free that evening) takes c's duty at k1; its cost in words
    result = run("suggest", str(files["instance"]), str(files["roster"]), "--cadre", "c", "--date", DAYS[1],
                 "--shift", "E", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "e：休息 -> 到 k1 值班" in result.output
    assert "组内平均" in result.output and "load" not in result.output and "off ->" not in result.output
    english = run("suggest", str(files["instance"]), str(files["roster"]), "--cadre", "c", "--date", DAYS[1],
                  "--shift", "E", "--lang", "en")
    assert "e: off -> duty at k1" in english.output and "against the group mean" in english.output
