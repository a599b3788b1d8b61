"""Same rosters before and after a change: deterministic solves at a git commit and in this tree.

A restructuring of the search must not change what it finds. This script
solves a fixed set of instances with ``schedule solve --deterministic`` (the
same instance, seed, workers and deterministic budget give the same roster)
once with the code of a given commit (checked out into a temporary git
worktree) and once with the code of this working tree, and compares the
rosters' assignments and standby byte for byte, and their stage values.

    python benchmarks/same_rosters.py --before ff5f049 [--time-limit 20] [--workers 2]

Rosters are cached per commit under ``--cache`` (default ``.same_rosters/``),
so a commit is solved once. Exit code 1 when any instance differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CURTOIS = ROOT.parent / "shared" / "benchmarks" / "curtois"
OWN_INSTANCES = ["tiny.json", "one_community.json", "town14.json"]
CURTOIS_INSTANCES = ["Instance1", "Instance2", "Instance3", "Instance4"]

# Runs the CLI of the code at ``sys.argv[1]`` (a source tree), not the installed package.
RUN_CLI = "import sys; sys.path.insert(0, sys.argv.pop(1)); from scheduler.cli import main; main()"


def instance_files(work: Path) -> list[Path]:
    """The instances compared: the bundled ones and the first Curtois instances, imported once."""
    files = [ROOT / "instances" / name for name in OWN_INSTANCES]
    for name in CURTOIS_INSTANCES:
        imported = work / f"{name}.json"
        if not imported.exists():
            subprocess.run(
                [sys.executable, "-c", RUN_CLI, str(ROOT), "import", "curtois", str(CURTOIS / f"{name}.txt"),
                 "-o", str(imported)],
                check=True,
                capture_output=True,
            )
        files.append(imported)
    return files


def solve_all(source: Path, files: list[Path], out: Path, time_limit: float, workers: int) -> None:
    """Solve every instance with the code in ``source``, writing ``out/<name>`` (skipping those done)."""
    out.mkdir(parents=True, exist_ok=True)
    for path in files:
        target = out / path.name
        if target.exists():
            continue
        command = [
            sys.executable, "-c", RUN_CLI, str(source), "solve", str(path), "-o", str(target),
            "--deterministic", "--time-limit", str(time_limit), "--workers", str(workers), "--no-progress",
        ]
        env = dict(os.environ, PYTHONPATH="")
        completed = subprocess.run(command, capture_output=True, text=True, env=env)
        if completed.returncode != 0:
            raise SystemExit(f"{source}: solving {path.name} failed:\n{completed.stderr[-2000:]}")
        print(f"  solved {path.name} with {source}", flush=True)


def roster_core(path: Path) -> tuple[str, str, list[object]]:
    """The roster's assignments and standby (as canonical JSON) and its stage values."""
    roster = json.loads(path.read_text(encoding="utf-8"))
    duties = json.dumps(roster.get("assignments", []), sort_keys=True)
    standby = json.dumps(roster.get("standby", []), sort_keys=True)
    stages = [stage.get("value") for stage in roster.get("objective", {}).get("stages", [])]
    return duties, standby, stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the commit to compare with (any git revision)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="deterministic units per solve")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=ROOT / ".same_rosters")
    arguments = parser.parse_args()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", arguments.before], check=True, capture_output=True, text=True
    ).stdout.strip()
    settings = f"t{arguments.time_limit:g}-w{arguments.workers}"
    cache = arguments.cache
    files = instance_files(cache)
    before_dir = cache / f"{commit[:12]}-{settings}"
    if not all((before_dir / path.name).exists() for path in files):
        with tempfile.TemporaryDirectory() as scratch:
            tree = Path(scratch) / "tree"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
                           check=True, capture_output=True)
            try:
                solve_all(tree, files, before_dir, arguments.time_limit, arguments.workers)
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    after_dir = cache / f"working-tree-{settings}"
    for stale in after_dir.glob("*.json"):
        stale.unlink()  # this tree changes between runs: always solved anew
    solve_all(ROOT, files, after_dir, arguments.time_limit, arguments.workers)
    differing = 0
    for path in files:
        before, after = roster_core(before_dir / path.name), roster_core(after_dir / path.name)
        if before == after:
            verdict = "identical assignments and standby"
        elif before[2] == after[2]:
            verdict = f"DIFFERENT rosters, same stage values {after[2]}"
            differing += 1
        else:
            verdict = f"DIFFERENT: stage values {before[2]} -> {after[2]}"
            differing += 1
        print(f"{path.name:22} {verdict}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
