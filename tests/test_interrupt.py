"""Ctrl-C during a solve keeps the best roster found so far, written whole."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from models.loading import load_instance, load_roster
from scheduler.checker import check
from scheduler.sources.generate import generate_instance


def test_ctrl_c_writes_the_best_roster_found(tmp_path: Path) -> None:
    instance_path = tmp_path / "instance.json"
    instance_path.write_text(json.dumps(generate_instance("subdistrict", 2, 14), ensure_ascii=False))
    roster_path = tmp_path / "roster.json"
    command = [sys.executable, "-m", "scheduler.cli", "solve", str(instance_path), "-o", str(roster_path)]
    process = subprocess.Popen(
        [*command, "--time-limit", "300", "--progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    # Wait for the first progress report: the search has started and has a roster.
    deadline = time.monotonic() + 120
    seen = ""
    while "best" not in seen and time.monotonic() < deadline:
        seen += process.stderr.read(1)
    assert "best" in seen, seen
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    roster = load_roster(roster_path)
    assert roster.solver.interrupted
    assert roster.status in ("feasible", "optimal")
    assert roster.assignments
    assert check(load_instance(instance_path), roster).ok
    assert not list(tmp_path.glob(".*.tmp")), "no half-written temporary file is left behind"
