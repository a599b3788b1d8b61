"""Field benchmark: generated towns, districts, sub-districts and a city, the product beside a hand dispatch.

Each row is an instance made by ``schedule generate`` (a profile, a number of
days, a seed), solved as a new user would (``schedule solve`` in a fresh
process, ``--workers 2``, the row's time limit) and rostered by the greedy
hand dispatch of ``benchmarks/baseline.py``, the bar every row is compared
with. Both rosters are checked by ``schedule check``. A row reports, for
both: coverage of minimum / standby / target, the load Gini of every group,
and the lexicographic stage values; for the product also every stage's bound
and gap, its wall seconds and its peak memory. The stage-1 gap is the
value minus the bound as a share of the empty roster's stage-1 value (the
whole weighted minimum demand). Run from the repository root:

    python benchmarks/domain.py                       # every row, seeds 1-3
    python benchmarks/domain.py --rows town14 district28 --seeds 1

Exit code 1 when a roster fails its check, or the product is lexicographically
worse than the dispatch on a row.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.loading import load_instance
from scheduler.checker import evaluate

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    name: str
    profile: list[str]  # the generator's arguments besides seed, days and output
    days: int
    time_limit: float


ROWS = {
    "town14": Row("town14", ["--profile", "town"], 14, 60),
    "town28": Row("town28", ["--profile", "town"], 28, 120),
    "town56": Row("town56", ["--profile", "town"], 56, 120),
    "district28": Row("district28", ["--profile", "district"], 28, 120),
    "sub14": Row("sub14", ["--profile", "subdistrict"], 14, 60),
    "city14": Row("city14", ["--profile", "city", "--towns", "10"], 14, 300),
}


def run_measured(command: list[str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``command``; (its outcome, wall seconds, its peak resident memory in MB)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage (Linux: ru_maxrss in KB)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        completed = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    return completed, seconds, usage.ru_maxrss / 1024


def schedule(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "scheduler.cli", *arguments]


def figures(roster: dict[str, Any]) -> dict[str, Any]:
    totals = roster.get("metrics", {}).get("totals", {})
    groups = roster.get("metrics", {}).get("groups", {})
    return {
        "min": round(100 * totals.get("min_coverage", 0.0), 2),
        "standby": round(100 * totals.get("standby_coverage", 0.0), 2),
        "target": round(100 * totals.get("target_coverage", 0.0), 2),
        "gini": {group: round(values["gini"], 3) for group, values in groups.items() if values.get("cadres")},
        "values": roster.get("objective", {}).get("total"),
    }


def generated(row: Row, seed: int, work: Path) -> Path:
    """The row's instance for ``seed`` in ``work``, made by ``schedule generate`` unless it is there."""
    instance_path = work / f"{row.name}-s{seed}.json"
    if not instance_path.exists():
        subprocess.run(
            schedule("generate", *row.profile, "--seed", str(seed), "--days", str(row.days), "-o", str(instance_path)),
            check=True,
            capture_output=True,
        )
    return instance_path


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every field benchmark takes: seeds, workers, where instances go, a JSON-lines copy."""
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / ".domain_benchmark", help="instances and rosters")
    parser.add_argument("--json", type=Path, help="also append every run as a JSON line to this file")


def machine_line(workers: int) -> str:
    return f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {workers} workers"


def run_row(row: Row, seed: int, work: Path, workers: int) -> dict[str, Any]:
    instance_path = generated(row, seed, work)
    instance = load_instance(instance_path)
    empty_stage1 = evaluate(instance, [], []).stage_values[0]
    baseline_path = work / f"{row.name}-s{seed}.baseline.json"
    baseline_run, baseline_seconds, _ = run_measured(
        [sys.executable, str(ROOT / "benchmarks" / "baseline.py"), str(instance_path), "-o", str(baseline_path)]
    )
    product_path = work / f"{row.name}-s{seed}.roster.json"
    product_path.unlink(missing_ok=True)
    solve_command = schedule(
        "solve", str(instance_path), "-o", str(product_path), "--time-limit", f"{row.time_limit:g}",
        "--workers", str(workers), "--seed", str(seed), "--no-progress", "--lang", "en",
    )
    product_run, product_seconds, peak_mb = run_measured(solve_command)
    result: dict[str, Any] = {
        "row": row.name, "seed": seed, "cadres": len(instance.cadres), "checkpoints": len(instance.checkpoints),
        "days": instance.horizon.days, "limit": row.time_limit, "wall": round(product_seconds, 1),
        "peak_mb": round(peak_mb), "baseline_wall": round(baseline_seconds, 1),
    }
    for label, path, completed in (("baseline", baseline_path, baseline_run), ("product", product_path, product_run)):
        if completed.returncode != 0 or not path.exists():
            result[label] = {"error": (completed.stderr or completed.stdout)[-500:]}
            continue
        roster = json.loads(path.read_text(encoding="utf-8"))
        result[label] = figures(roster)
        check = subprocess.run(schedule("check", str(instance_path), str(path)), capture_output=True, text=True)
        result[label]["check"] = "ok" if check.returncode == 0 else "FAILED"
        if label == "product":
            stages = roster["objective"].get("stages", [])
            result["stages"] = [
                {"part": stage["part"], "value": stage["value"], "bound": stage["bound"], "gap": stage.get("gap"),
                 "status": stage["status"]}
                for stage in stages
            ]
            first = stages[0] if stages else None
            if first and first["bound"] is not None and empty_stage1:
                result["stage1_gap"] = round(100 * (first["value"] - first["bound"]) / empty_stage1, 3)
    product, baseline = result.get("product", {}), result.get("baseline", {})
    if "values" in product and "values" in baseline:
        result["not_worse"] = _lexicographic(product["values"]) <= _lexicographic(baseline["values"])
    return result


def _lexicographic(values: Any) -> tuple[float, ...]:
    return tuple(round(value, 6) for value in values) if isinstance(values, list) else (round(values, 6),)


def print_row(result: dict[str, Any]) -> None:
    def side(label: str) -> str:
        data = result.get(label, {})
        if "error" in data:
            return "error"
        gini = " ".join(f"{group[:3]} {value}" for group, value in data.get("gini", {}).items())
        return f"{data.get('min')} / {data.get('standby')} / {data.get('target')} ({gini}) {data.get('check')}"

    stages = "; ".join(
        f"{stage['part']} {stage['value']:g}/{'-' if stage['bound'] is None else format(stage['bound'], 'g')}"
        f"{'' if stage.get('gap') is None else ' (' + format(100 * stage['gap'], '.1f') + ' %)'}"
        for stage in result.get("stages", [])
    )
    print(
        f"| {result['row']} s{result['seed']} | {result['cadres']} | {result['limit']:g} | {side('product')} | "
        f"{side('baseline')} | {result.get('not_worse')} | {result.get('stage1_gap', '-')} | {stages} | "
        f"{result['wall']} | {result['peak_mb']} | {result['baseline_wall']} |",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", default=list(ROWS), choices=list(ROWS))
    add_run_arguments(parser)
    arguments = parser.parse_args()
    arguments.work.mkdir(parents=True, exist_ok=True)
    print(machine_line(arguments.workers))
    print("| row | cadres | limit s | product min / standby / target % (Gini) check | dispatch min / standby / "
          "target % (Gini) check | product not worse | stage-1 gap % | stages value/bound | wall s | peak MB | "
          "dispatch s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for name in arguments.rows:
        for seed in arguments.seeds:
            result = run_row(ROWS[name], seed, arguments.work, arguments.workers)
            print_row(result)
            if arguments.json:
                with arguments.json.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(result, ensure_ascii=False) + "\n")
            checks = [result.get(label, {}).get("check") for label in ("product", "baseline")]
            failed |= any(check != "ok" for check in checks) or result.get("not_worse") is False
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
