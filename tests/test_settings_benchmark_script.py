"""benchmarks/settings.py solves each row with each value of one search setting and ranks them."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "settings.py"


def load_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # as when run as a script: domain.py beside it
    spec = importlib.util.spec_from_file_location("settings_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_the_least_stage_vector_ranks_first_and_ties_share(monkeypatch: pytest.MonkeyPatch) -> None:
    script = load_script(monkeypatch)
    # (0, 5, ...) beats (1, 0, ...) lexicographically; two equal vectors both rank first; a run that
    # failed has no vector and never ranks
    results = [{"value": "a", "values": [1, 0, 0]}, {"value": "b", "values": [0, 5, 2]},
               {"value": "c", "values": [0, 5, 2]}, {"value": "d", "error": "x"}]
    assert script.first_ranked(results) == {"b", "c"}
    assert script.first_ranked([{"value": "d", "error": "x"}]) == set()


def test_a_small_row_is_solved_with_each_value(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    script = load_script(monkeypatch)
    monkeypatch.setattr(script, "ROWS", {"village": script.Row("village", ["--profile", "subdistrict"], 3, 4)})
    jsonl = tmp_path / "runs.jsonl"
    monkeypatch.setattr(sys, "argv", ["settings.py", "stage_share.coverage", "0.5", "0.2", "--rows", "village",
                                      "--seeds", "1", "--work", str(tmp_path), "--json", str(jsonl)])

    assert script.main() == 0

    runs = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [run["value"] for run in runs] == ["0.5", "0.2"]
    assert all(run["check"] == "ok" and len(run["values"]) == 5 for run in runs)
    out = capsys.readouterr().out
    assert "| village s1 | 0.5 |" in out and "| village s1 | 0.2 |" in out
    # the summary counts one row for each value; at least one of them ranked first
    summary = [line for line in out.splitlines() if line.startswith("| 0.5 |") or line.startswith("| 0.2 |")]
    assert len(summary) == 2 and all(" of 1 |" in line for line in summary)
    assert sum(int(line.split("|")[2].split(" of ")[0]) for line in summary) >= 1


def test_an_instance_of_one_s_own_is_solved_with_each_value(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    script = load_script(monkeypatch)
    monkeypatch.setattr(sys, "argv", ["settings.py", "lns_step_limit", "3", "2", "--instances",
                                      str(ROOT / "instances" / "tiny.json"), "--time-limit", "3", "--seeds", "0",
                                      "--work", str(tmp_path)])

    assert script.main() == 0

    out = capsys.readouterr().out
    # only the instance given is solved (no default row), once with each value
    assert "| tiny s0 | 3 |" in out and "| tiny s0 | 2 |" in out and "town14" not in out


def test_deterministic_solves_repeat(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The same value twice with --deterministic: each solve is repeatable, so both runs give the same
    # stage vector (and the value that acts only from the fairness stage on meets the same roster there).
    script = load_script(monkeypatch)
    monkeypatch.setattr(script, "ROWS", {"village": script.Row("village", ["--profile", "subdistrict"], 3, 4)})
    jsonl = tmp_path / "runs.jsonl"
    monkeypatch.setattr(sys, "argv", ["settings.py", "stage_share.fairness", "0.6", "0.6", "--rows", "village",
                                      "--seeds", "1", "--work", str(tmp_path), "--json", str(jsonl),
                                      "--deterministic", "--workers", "1"])

    assert script.main() == 0

    first, second = (json.loads(line) for line in jsonl.read_text().splitlines())
    assert first["check"] == second["check"] == "ok"
    assert first["values"] == second["values"]
    # the roster says how it was solved
    roster = json.loads((tmp_path / "village-s1.stage_share.fairness=0.6.roster.json").read_text())
    assert roster["solver"]["deterministic"] is True
