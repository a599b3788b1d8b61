"""benchmarks/build.py prints, per instance, the median seconds of the build's steps."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from scheduler.model.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "build.py"


def test_the_script_reports_each_instance(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("build_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(sys, "argv", ["build.py", str(ROOT / "instances" / "tiny.json"), "--repeat", "2"])

    assert script.main() == 0

    out = capsys.readouterr().out
    assert "tiny.json: " in out and "(median of 2)" in out
    # one line per step the build records (each rule family once), with its share of the whole
    step_lines = [line for line in out.splitlines() if line.startswith("  ")]
    steps = {"calendar", "variables", *(rule.__name__.rsplit(".", 1)[-1] for rule in RULES)}
    assert sorted(line.split()[0] for line in step_lines) == sorted(steps)
    assert all(line.rstrip().endswith("%") for line in step_lines)
