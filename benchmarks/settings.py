"""A tuned search value measured beside others: the field's instances solved with each value given.

For each row of ``benchmarks/domain.py`` (a ``schedule generate`` instance:
profile, days, seed) and each value of one setting of
``scheduler/search/settings.py``, ``schedule solve --setting NAME=VALUE`` runs
in a fresh process with the row's time limit, and its roster is checked by
``schedule check``. Per row and seed the values are ranked lexicographically
by their stage vectors (DESIGN.md section 5); the summary gives, per value,
how often it ranked first (ties shared) and its median coverage of the
minimum, standby and target. One run per value and seed: machines are noisy,
so compare over several seeds and rows. With ``--deterministic`` each solve is
repeatable (``schedule solve --deterministic``, the limit in deterministic
units): a value that only acts from some stage on then meets the same roster
there, so the earlier stages are equal and the later ones compare cleanly.
Run from the repository root:

    python benchmarks/settings.py whole_search_share 0.3 0.1 --rows town14 --seeds 1 2 3
    python benchmarks/settings.py stage_share.coverage 0.5 0.35 --rows town14 town28
    python benchmarks/settings.py alone_first_share 0.3 0.6 --instances a.json b.json --time-limit 60

Exit code 1 when a roster fails its check.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from domain import ROWS, Row, add_run_arguments, figures, generated, machine_line, run_measured, schedule


def solve_with(row: Row, seed: int, instance: Path, setting: str, value: str, work: Path,
               workers: int, deterministic: bool = False) -> dict[str, Any]:
    roster_path = work / f"{row.name}-s{seed}.{setting}={value}.roster.json"
    roster_path.unlink(missing_ok=True)
    command = schedule(
        "solve", str(instance), "-o", str(roster_path), "--time-limit", f"{row.time_limit:g}", "--workers",
        str(workers), "--seed", str(seed), "--no-progress", "--lang", "en", "--setting", f"{setting}={value}",
        *(["--deterministic"] if deterministic else []),
    )
    completed, seconds, peak_mb = run_measured(command)
    result: dict[str, Any] = {"row": row.name, "seed": seed, "setting": setting, "value": value,
                              "wall": round(seconds, 1), "peak_mb": round(peak_mb)}
    if completed.returncode != 0 or not roster_path.exists():
        result["error"] = (completed.stderr or completed.stdout)[-500:]
        return result
    result.update(figures(json.loads(roster_path.read_text(encoding="utf-8"))))
    check = subprocess.run(schedule("check", str(instance), str(roster_path)), capture_output=True, text=True)
    result["check"] = "ok" if check.returncode == 0 else "FAILED"
    return result


def first_ranked(results: list[dict[str, Any]]) -> set[str]:
    """The values whose stage vector is lexicographically least among ``results`` (one row and seed)."""
    vectors = {result["value"]: tuple(result["values"]) for result in results if "values" in result}
    if not vectors:
        return set()
    best = min(vectors.values())
    return {value for value, vector in vectors.items() if vector == best}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("setting", help="a field of SearchSettings (stage_share.coverage for one stage's share)")
    parser.add_argument("values", nargs="+", help="the values to measure, the tuned one among them")
    parser.add_argument("--rows", nargs="*", default=None, choices=list(ROWS), help="default: town14")
    parser.add_argument("--instances", nargs="*", type=Path, default=[],
                        help="instance files of one's own, solved with --time-limit besides the rows")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for --instances")
    parser.add_argument("--deterministic", action="store_true",
                        help="repeatable solves, the limits in deterministic units")
    add_run_arguments(parser)
    arguments = parser.parse_args()
    arguments.work.mkdir(parents=True, exist_ok=True)
    repeatable = "; deterministic" if arguments.deterministic else ""
    print(f"{machine_line(arguments.workers)}; {arguments.setting}{repeatable}")
    print("| row | value | min / standby / target % | Gini | stage values | first | wall s | check |")
    print("|---|---|---|---|---|---|---|---|")
    failed = False
    firsts = {value: 0 for value in arguments.values}
    every: list[dict[str, Any]] = []
    rows = [(ROWS[name], seed, None) for name in (arguments.rows or ([] if arguments.instances else ["town14"]))
            for seed in arguments.seeds]
    rows += [(Row(path.stem, [], 0, arguments.time_limit), seed, path) for path in arguments.instances
             for seed in arguments.seeds]
    for row, seed, given in rows:
        name = row.name
        instance = given if given is not None else generated(row, seed, arguments.work)
        results = [solve_with(row, seed, instance, arguments.setting, value, arguments.work, arguments.workers,
                              arguments.deterministic)
                   for value in arguments.values]
        best = first_ranked(results)
        for result in results:
            firsts[result["value"]] += result["value"] in best
            failed |= result.get("check") != "ok"
            gini = " ".join(f"{group[:3]} {value}" for group, value in result.get("gini", {}).items())
            values = " / ".join(format(value, "g") for value in result.get("values", []))
            print(f"| {name} s{seed} | {result['value']} | {result.get('min')} / {result.get('standby')} / "
                  f"{result.get('target')} | {gini} | {values or result.get('error', '')[:80]} | "
                  f"{'yes' if result['value'] in best else ''} | {result['wall']} | {result.get('check')} |",
                  flush=True)
            if arguments.json:
                with arguments.json.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(result, ensure_ascii=False) + "\n")
        every.extend(results)
    print()
    print("| value | ranked first | median min / standby / target % |")
    print("|---|---|---|")
    for value in arguments.values:
        mine = [result for result in every if result["value"] == value and "min" in result]
        medians = " / ".join(
            format(statistics.median(result[key] for result in mine), "g") if mine else "-"
            for key in ("min", "standby", "target")
        )
        print(f"| {value} | {firsts[value]} of {len(mine)} | {medians} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
