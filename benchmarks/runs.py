"""The runs construction on its own: every staff member's runs of work and days off, on the Curtois–Qu files.

The engine builds a first roster by runs (``scheduler.search.runs``) where an
instance has only sequence rules, as every Curtois–Qu instance does, and
completes with runs the cadres a column generation's dive had no time for.
This script converts each benchmark file with the importer, builds the model
and runs the construction alone (no CP-SAT search), and judges its roster by
the benchmark's own objective and rules (``scheduler.sources.curtois``),
which share nothing with the model. ``--setting NAME=VALUE`` (repeatable, as
``schedule solve --setting``) measures a tuned value of the construction
(``weekend_price_steps``, ``highest_weekend_price``, ``demand_tie_break``)
beside the tuned one:

    python benchmarks/runs.py Instance1 Instance8 Instance24
    python benchmarks/runs.py Instance1 Instance8 --setting demand_tie_break=0
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from models.loading import parse_instance
from scheduler.model.roster_model import RosterModel
from scheduler.search.runs import runs_roster
from scheduler.search.settings import settings_with
from scheduler.sources.curtois import (
    CurtoisFormatError,
    curtois_objective,
    curtois_violations,
    parse_curtois,
    to_instance,
)

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "curtois"


def _instance_path(name: str) -> Path:
    """A file path as given; a bare name such as ``Instance8`` from the shared benchmark folder."""
    path = Path(name)
    if path.suffix or len(path.parts) > 1:
        return path
    return BENCHMARK / f"{name}.txt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="+", help="InstanceN (from the shared benchmark folder) or a file path")
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a search setting other than its tuned value; repeatable")
    arguments = parser.parse_args()
    try:
        settings = settings_with(arguments.setting)
    except ValueError as error:
        parser.error(f"--setting: {error}")
    loaded = []
    for name in arguments.instances:
        path = _instance_path(name)
        try:
            loaded.append((path.stem, parse_curtois(path.read_text(encoding="ascii"))))
        except (OSError, UnicodeDecodeError, CurtoisFormatError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            return 2
    print(f"# {platform.machine()}, Python {platform.python_version()}" + "".join(f", {s}" for s in arguments.setting))
    print("| instance | staff × days | runs roster | staff without runs | rules kept | s |")
    print("|---|---|---|---|---|---|")
    for name, data in loaded:
        instance = parse_instance(to_instance(data, name))
        roster_model = RosterModel.build(instance)
        started = time.monotonic()
        built = runs_roster(roster_model, settings=settings)
        seconds = time.monotonic() - started
        if built is None:
            print(f"| {name} | {len(data.staff)} × {data.horizon} | — (not only sequence rules) | | | |")
            continue
        roster = {(key.cadre, key.day): key.shift for key in built.duties}
        broken = curtois_violations(data, roster)
        print(
            f"| {name} | {len(data.staff)} × {data.horizon} | {curtois_objective(data, roster)} | {len(built.short)} "
            f"| {'yes' if not broken else f'no ({len(broken)} broken)'} | {seconds:.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
