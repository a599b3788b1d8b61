"""benchmarks/column_generation.py: an exact pricer, a valid LP bound, and dive rosters that keep the rules.

The pricer is checked against brute force: every roster of one staff member on
a short horizon is enumerated, the benchmark's own rule checker
(scheduler.importers.curtois.curtois_violations, written from FORMAT.md) keeps
the feasible ones, and the least reduced cost among them must be the pricer's.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scheduler.importers.curtois import CurtoisData, curtois_objective_parts, curtois_violations, parse_curtois

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "column_generation.py"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks" / "curtois"
needs_benchmarks = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason=f"benchmark folder {BENCHMARKS} not present")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("column_generation", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _one_staff(horizon: int, shifts: str, staff: str, days_off: str, on: str, off: str, cover: str) -> CurtoisData:
    text = "\n".join(
        [
            "# one staff member",
            "SECTION_HORIZON",
            str(horizon),
            "",
            "SECTION_SHIFTS",
            shifts,
            "",
            "SECTION_STAFF",
            staff,
            "",
            "SECTION_DAYS_OFF",
            days_off,
            "",
            "SECTION_SHIFT_ON_REQUESTS",
            on,
            "",
            "SECTION_SHIFT_OFF_REQUESTS",
            off,
            "",
            "SECTION_COVER",
            cover,
            "",
        ]
    )
    return parse_curtois(text)


# 8 days (one weekend, days 5 and 6), two shifts: L may not be followed by E; at most 2 L, 4 to 5
# shifts of 480 minutes, runs of work 2..3 days, days off at least 2, one weekend, day 3 off.
EIGHT_DAYS = _one_staff(
    8,
    "E,480,\nL,480,E",
    "A,E=8|L=2,2400,1920,3,2,2,1",
    "A,3",
    "A,0,E,2\nA,6,L,1",
    "A,1,E,3\nA,7,L,2",
    "\n".join(f"{day},{shift},1,100,1" for day in range(8) for shift in "EL"),
)
# 14 days, one shift: at most 10 shifts, at least 6, runs of work 3..4, days off at least 2, one weekend.
FOURTEEN_DAYS = _one_staff(
    14,
    "D,480,",
    "A,D=14|,4800,2880,4,3,2,1".replace("|,", ","),
    "A,9",
    "A,2,D,3\nA,12,D,1",
    "A,4,D,2",
    "\n".join(f"{day},D,1,100,1" for day in range(14)),
)


def _brute_force(data: CurtoisData, duals: dict[tuple[int, str], float]) -> float:
    """The least reduced cost (requests less duals) over every feasible roster, by enumeration."""
    staff = data.staff[0].id
    choices = [None, *(shift.id for shift in data.shifts)]
    best = float("inf")
    for days in itertools.product(choices, repeat=data.horizon):
        roster = {(staff, day): shift for day, shift in enumerate(days) if shift}
        if curtois_violations(data, roster):
            continue
        parts = curtois_objective_parts(data, roster)
        reduced = (
            parts["S1"] + parts["S2"] - sum(duals.get(cell, 0.0) for cell in ((d, s) for (_, d), s in roster.items()))
        )
        best = min(best, reduced)
    return best


@pytest.mark.parametrize("data", [EIGHT_DAYS, FOURTEEN_DAYS], ids=["8 days, 2 shifts", "14 days, 1 shift"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_pricer_finds_the_cheapest_feasible_roster(script: ModuleType, data: CurtoisData, seed: int) -> None:
    generator = random.Random(seed)
    duals = {(row.day, row.shift): generator.uniform(-1, 60) for row in data.cover}
    pricer = script.StaffPricer(data, data.staff[0], script.request_costs(data)[data.staff[0].id])

    priced = pricer.price(duals)

    expected = _brute_force(data, duals)
    assert priced is not None
    assert priced.reduced_cost == pytest.approx(expected)
    roster = {(data.staff[0].id, day): shift for day, shift in enumerate(priced.days) if shift}
    assert curtois_violations(data, roster) == []
    parts = curtois_objective_parts(data, roster)
    assert priced.cost == parts["S1"] + parts["S2"]
    # a threshold at the least reduced cost leaves nothing strictly below it; just above, the same roster
    assert pricer.price(duals, threshold=expected) is None
    assert pricer.price(duals, threshold=expected + 0.5).reduced_cost == pytest.approx(expected)


def test_the_pricer_carries_a_count_only_after_a_roster_broke_it(script: ModuleType) -> None:
    # Every cell worth 60: the cheapest roster ignoring "at most 2 L" works L as often as the run rules
    # allow, so L's count must join the labels, and the result keeps the limit.
    duals = {(row.day, row.shift): (60.0 if row.shift == "L" else 1.0) for row in EIGHT_DAYS.cover}
    pricer = script.StaffPricer(EIGHT_DAYS, EIGHT_DAYS.staff[0], script.request_costs(EIGHT_DAYS)["A"])
    assert pricer.counted == []

    priced = pricer.price(duals)

    assert pricer.counted == ["L"]
    assert priced is not None and priced.days.count("L") == 2
    assert priced.reduced_cost == pytest.approx(_brute_force(EIGHT_DAYS, duals))
    # the next pricing starts without the count again: with L worth little, no roster breaks its limit
    cheap_l = {cell: (1.0 if cell[1] == "L" else 30.0) for cell in duals}
    again = pricer.price(cheap_l)
    assert pricer.counted == []
    assert again is not None and again.reduced_cost == pytest.approx(_brute_force(EIGHT_DAYS, cheap_l))


@needs_benchmarks
def test_instance2_bound_and_dive(script: ModuleType) -> None:
    # Instance2's optimum is 828 (best_known.csv: best known = lower bound); the LP bound can be no
    # higher, and the dive's roster must keep every rule and score at least the optimum.
    data = parse_curtois((BENCHMARKS / "Instance2.txt").read_text(encoding="ascii"))

    outcome = script.solve(data, time_limit=300.0, dive=True)

    assert outcome.converged
    assert outcome.bound <= 828 + 1e-6
    assert outcome.lp_value == pytest.approx(outcome.bound)  # converged: nothing negative is left
    assert outcome.dive_roster is not None
    assert curtois_violations(data, outcome.dive_roster) == []
    parts = curtois_objective_parts(data, outcome.dive_roster)
    assert sum(parts.values()) >= 828
    assert set(outcome.dive_roster) <= {(staff.id, day) for staff in data.staff for day in range(data.horizon)}


@needs_benchmarks
def test_the_script_prints_a_row_per_instance(
    script: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["column_generation.py", "Instance1", "--dive"])

    assert script.main() == 0

    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| Instance1 ")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    bound, converged, dive, kept = int(cells[1]), cells[2], int(cells[6]), cells[7]
    assert bound <= 607 <= dive  # Instance1's optimum is 607
    assert (converged, kept) == ("yes", "yes")


def test_a_missing_or_malformed_file_is_named_and_nothing_is_solved(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("SECTION_HORIZON\nseven\n", encoding="ascii")
    for argument in (str(tmp_path / "absent.txt"), str(broken)):
        monkeypatch.setattr(sys, "argv", ["column_generation.py", argument])

        assert script.main() == 2

        captured = capsys.readouterr()
        assert captured.out == ""  # no table begun
        assert Path(argument).name in captured.err


def test_a_staff_member_allowed_no_consecutive_shift_works_no_day(script: ModuleType) -> None:
    # MaxConsecutiveShifts 0: even a run of one day is too long, so the only roster is every day off,
    # however much the cells are worth (brute force over the 2^7 rosters agrees).
    data = _one_staff(
        7, "D,480,", "A,D=7,3360,0,0,1,1,2", "", "", "", "\n".join(f"{day},D,1,100,1" for day in range(7))
    )
    duals = {(day, "D"): 100.0 for day in range(7)}
    pricer = script.StaffPricer(data, data.staff[0], script.request_costs(data)["A"])

    priced = pricer.price(duals)

    assert priced is not None and priced.days == (None,) * 7
    assert priced.reduced_cost == pytest.approx(_brute_force(data, duals)) == 0.0
