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
import time

from curtois_files import add_instances_and_setting, parsed, rules_kept

from models.loading import parse_instance
from scheduler.model.roster_model import RosterModel
from scheduler.search.runs import runs_roster
from scheduler.sources.curtois import (
    curtois_objective,
    to_instance,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_instances_and_setting(parser)
    given = parsed(parser)
    if given is None:
        return 2
    arguments, settings, loaded = given
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
        print(
            f"| {name} | {len(data.staff)} × {data.horizon} | {curtois_objective(data, roster)} | {len(built.short)} "
            f"| {rules_kept(data, roster)} | {seconds:.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
