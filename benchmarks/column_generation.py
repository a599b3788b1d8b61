"""Column generation for the Curtois–Qu benchmark: an LP lower bound and a price-and-dive roster.

A research tool, not part of the engine yet (it needs up to 203 s on
Instances 8–12 where the engine has 60: see BENCHMARKS.md, ninth session). It reads the benchmark's own files and
checks its rosters with the benchmark's own rules
(``scheduler.importers.curtois``), so it shares nothing with the CP-SAT model.

The master LP (GLOP) has one column per roster of one staff member; each
staff member takes a convex combination of their columns (one convexity row
each), and every cover row (day, shift) counts the staff on duty with a
shortfall and a surplus variable at the benchmark's under and over weights.
A new column comes from each staff member's pricing problem: their cheapest
roster, with every hard rule of FORMAT.md (H1–H10) kept, where a duty on
(day, shift) is worth the cover row's dual. The pricing problem is solved
exactly by labelling, day by day: a label holds the run state (last shift or
off, length of the run, whether the run began on day 0 and is therefore
exempt from the minimum lengths), the minutes worked, the weekends worked and
the count of each shift type whose limit a cheapest roster broke earlier in
the same pricing (the other limits are checked on the result; a broken one
joins the labels and the pricing is repeated). A label is dropped when it cannot reach the minimum
minutes, or when even the cheapest run-rule-only completion of it would not
beat the staff member's convexity dual.

Each round every staff member is priced, which gives a valid lower bound (the
LP value plus every negative reduced cost); the best such bound is reported.
The dive fixes the staff member whose column has the largest LP value to
that column, runs the column generation again on the others, and repeats
until every staff member has a roster (one at a time: fixing every column
above 0.99 at once gave worse rosters, see BENCHMARKS.md).

    python benchmarks/column_generation.py Instance1 Instance8 --dive
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ortools.linear_solver import pywraplp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scheduler.importers.curtois import (  # noqa: E402
    CurtoisData,
    CurtoisFormatError,
    CurtoisShift,
    CurtoisStaff,
    curtois_objective,
    curtois_violations,
    parse_curtois,
)

BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "curtois"
REDUCED_COST_EPSILON = 1e-6
OFF = None  # the choice of a day off in a column

Column = tuple[str | None, ...]  # the shift worked on each day, or OFF
RunState = tuple[str, int, bool]  # (last: "start", "off" or a shift id; run length; run began on day 0)


@dataclass(frozen=True)
class Priced:
    reduced_cost: float  # without the convexity dual
    cost: int  # the column's own penalty: its staff member's requests
    days: Column


def request_costs(data: CurtoisData) -> dict[str, list[dict[str | None, int]]]:
    """Per staff member and day, the request penalty of each choice (a shift, or OFF)."""
    shift_ids = [shift.id for shift in data.shifts]
    costs = {staff.id: [dict.fromkeys([OFF, *shift_ids], 0) for _ in range(data.horizon)] for staff in data.staff}
    for request in data.on_requests:  # paid unless that very shift is worked
        day = costs[request.employee][request.day]
        for choice in day:
            if choice != request.shift:
                day[choice] += request.weight
    for request in data.off_requests:  # paid if that shift is worked
        costs[request.employee][request.day][request.shift] += request.weight
    return costs


class StaffPricer:
    """The cheapest roster of one staff member under given duals (see the module doc)."""

    def __init__(self, data: CurtoisData, staff: CurtoisStaff, costs: list[dict[str | None, int]]) -> None:
        self.staff = staff
        self.horizon = data.horizon
        self.shifts: dict[str, CurtoisShift] = {shift.id: shift for shift in data.shifts}
        self.allowed = [shift.id for shift in data.shifts if staff.max_shifts.get(shift.id, 0) > 0]
        days_off = set(data.days_off.get(staff.id, []))
        self.choices_on = [[OFF] if day in days_off else [OFF, *self.allowed] for day in range(self.horizon)]
        self.costs = costs
        self.counted: list[str] = []  # shift types whose count the labels carry (in the last call)
        longest = max((self.shifts[shift].length for shift in self.allowed), default=0)
        # most minutes still to be had from day d on: a label short of the minimum by more is dropped
        self.most_minutes_from = [0] * (self.horizon + 1)
        for day in range(self.horizon - 1, -1, -1):
            open_day = len(self.choices_on[day]) > 1
            self.most_minutes_from[day] = self.most_minutes_from[day + 1] + (longest if open_day else 0)
        self.run_states: list[RunState] = []
        self.next_state: list[dict[str | None, int]] = []
        self._build_run_states()

    def _build_run_states(self) -> None:
        """The run-state automaton: H1, H2 and H6–H8 as transitions (H7/H8 exempt for runs from day 0)."""
        staff = self.staff
        index: dict[RunState, int] = {}

        def state(run_state: RunState) -> int:
            if run_state not in index:
                index[run_state] = len(self.run_states)
                self.run_states.append(run_state)
                self.next_state.append({})
            return index[run_state]

        state(("start", 0, True))
        done = 0
        while done < len(self.run_states):  # states are added while their successors are found
            last, run, from_day_0 = self.run_states[done]
            for choice in [OFF, *self.allowed]:
                after: RunState | None
                if choice is OFF:
                    if last == "start":
                        after = ("off", 1, True)
                    elif last == "off":
                        after = ("off", min(run + 1, staff.min_consecutive_days_off), from_day_0)
                    else:
                        short = not from_day_0 and run < staff.min_consecutive_shifts
                        after = None if short else ("off", 1, False)
                else:
                    if last == "start":
                        allowed, after = True, (choice, 1, True)
                    elif last == "off":
                        allowed = from_day_0 or run >= staff.min_consecutive_days_off
                        after = (choice, 1, False)
                    else:
                        allowed = choice not in self.shifts[last].forbidden_next
                        after = (choice, run + 1, from_day_0)
                    if not allowed or after[1] > staff.max_consecutive_shifts:
                        after = None
                if after is not None:
                    self.next_state[done][choice] = state(after)
            done += 1

    def working(self, state: int) -> bool:
        return self.run_states[state][0] not in ("start", "off")

    def price(self, duals: dict[tuple[int, str], float], threshold: float = math.inf) -> Priced | None:
        """The cheapest roster by reduced cost (cost less the duals of the cells worked), if one is below
        ``threshold``; None if none is (or the staff member has no roster at all).

        Each call starts with no count in the labels: counts carried from earlier calls made Instance8's
        LP 5.5 times slower (BENCHMARKS.md, ninth session), as most duals never push a count to its limit.
        """
        self.counted = []
        while True:
            priced = self._label(duals, threshold)
            if priced is None:
                return None
            broken = [
                shift
                for shift in self.allowed
                if shift not in self.counted and priced.days.count(shift) > self.staff.max_shifts[shift]
            ]
            if not broken:
                return priced
            self.counted.extend(broken)  # H3 broken for these types: carry their counts and price again

    def _completion(self, reduced: list[dict[str | None, float]]) -> list[list[float]]:
        """least[d][s]: the least reduced cost of days d.. from run state s, the run rules alone kept."""
        least = [[0.0] * len(self.run_states) for _ in range(self.horizon + 1)]
        for day in range(self.horizon - 1, -1, -1):
            later, here = least[day + 1], least[day]
            for state, successors in enumerate(self.next_state):
                here[state] = min(
                    (cost + later[successors[choice]] for choice, cost in reduced[day].items() if choice in successors),
                    default=math.inf,
                )
        return least

    def _label(self, duals: dict[tuple[int, str], float], threshold: float) -> Priced | None:
        staff = self.staff
        counted = {shift: position for position, shift in enumerate(self.counted)}
        count_limits = [staff.max_shifts[shift] for shift in self.counted]
        reduced = [
            {
                choice: self.costs[day][choice] - (0.0 if choice is OFF else duals.get((day, choice), 0.0))
                for choice in self.choices_on[day]
            }
            for day in range(self.horizon)
        ]
        least = self._completion(reduced)
        Label = tuple[int, int, tuple[int, ...], int]  # run state, minutes, counts, weekends
        # label -> (reduced cost, cost, label the day before, choice)
        Entry = tuple[float, int, "Label | None", "str | None"]
        layer: dict[Label, Entry] = {(0, 0, (0,) * len(self.counted), 0): (0.0, 0, None, OFF)}
        layers: list[dict[Label, Entry]] = []
        for day in range(self.horizon):
            labels: dict[Label, Entry] = {}
            sunday = day % 7 == 6
            need = staff.min_total_minutes - self.most_minutes_from[day + 1]
            completion = least[day + 1]
            for label, (reduced_so_far, cost_so_far, _, _) in layer.items():
                state, minutes, counts, weekends = label
                successors = self.next_state[state]
                saturday_worked = self.working(state)
                for choice, choice_cost in reduced[day].items():
                    after = successors.get(choice)
                    if after is None:
                        continue
                    new_minutes, new_counts = minutes, counts
                    if choice is not OFF:
                        new_minutes += self.shifts[choice].length
                        if new_minutes > staff.max_total_minutes:
                            continue
                        position = counted.get(choice)
                        if position is not None:
                            if counts[position] >= count_limits[position]:
                                continue
                            new_counts = counts[:position] + (counts[position] + 1,) + counts[position + 1 :]
                    if new_minutes < need:
                        continue
                    new_weekends = weekends
                    if sunday and (choice is not OFF or saturday_worked):
                        new_weekends += 1
                        if new_weekends > staff.max_weekends:
                            continue
                    total = reduced_so_far + choice_cost
                    if total + completion[after] >= threshold - REDUCED_COST_EPSILON:
                        continue
                    new_label = (after, new_minutes, new_counts, new_weekends)
                    known = labels.get(new_label)
                    if known is None or total < known[0] - 1e-9:
                        labels[new_label] = (total, cost_so_far + self.costs[day][choice], label, choice)
            layers.append(labels)
            layer = labels
        ends = [(entry[0], label) for label, entry in layer.items() if label[1] >= staff.min_total_minutes]
        if not ends:
            return None
        best_reduced, label_at = min(ends)
        cost = layer[label_at][1]
        days: list[str | None] = []
        at: Label | None = label_at
        for day in range(self.horizon - 1, -1, -1):
            assert at is not None
            _, _, before, choice = layers[day][at]
            days.append(choice)
            at = before
        days.reverse()
        return Priced(best_reduced, cost, tuple(days))


@dataclass
class Outcome:
    lp_value: float  # of the last master LP before the dive
    bound: float  # best valid lower bound seen (LP value plus every negative reduced cost of one round)
    converged: bool  # no column with negative reduced cost is left: lp_value is the LP optimum
    rounds: int = 0  # pricing rounds, the dive's included
    columns: int = 0  # in the master at the end
    seconds: float = 0.0
    dive_roster: dict[tuple[str, int], str] | None = None
    dive_seconds: float = 0.0


@dataclass
class _Master:
    """The master LP, kept in one GLOP model that grows column by column."""

    data: CurtoisData
    solver: pywraplp.Solver = field(init=False)
    cover_rows: dict[tuple[int, str], pywraplp.Constraint] = field(init=False, default_factory=dict)
    convexity: dict[str, pywraplp.Constraint] = field(init=False, default_factory=dict)
    columns: dict[str, list[tuple[Column, pywraplp.Variable]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("GLOP is not available in this OR-Tools build")
        self.solver = solver
        objective = solver.Objective()
        objective.SetMinimization()
        for cover in self.data.cover:
            short = solver.NumVar(0, solver.infinity(), f"short[{cover.day},{cover.shift}]")
            surplus = solver.NumVar(0, solver.infinity(), f"surplus[{cover.day},{cover.shift}]")
            row = solver.Constraint(cover.requirement, cover.requirement, f"cover[{cover.day},{cover.shift}]")
            row.SetCoefficient(short, 1)
            row.SetCoefficient(surplus, -1)
            objective.SetCoefficient(short, cover.weight_under)
            objective.SetCoefficient(surplus, cover.weight_over)
            self.cover_rows[(cover.day, cover.shift)] = row
        for staff in self.data.staff:
            self.convexity[staff.id] = solver.Constraint(1, 1, f"one_roster[{staff.id}]")
            self.columns[staff.id] = []

    def add(self, staff_id: str, priced: Priced) -> None:
        variable = self.solver.NumVar(0, self.solver.infinity(), f"roster[{staff_id},{len(self.columns[staff_id])}]")
        self.solver.Objective().SetCoefficient(variable, priced.cost)
        self.convexity[staff_id].SetCoefficient(variable, 1)
        for day, shift in enumerate(priced.days):
            if shift is not OFF:
                self.cover_rows[(day, shift)].SetCoefficient(variable, 1)
        self.columns[staff_id].append((priced.days, variable))

    def solve(self) -> float:
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"the master LP was not solved to optimality (status {status})")
        return float(self.solver.Objective().Value())

    def fix(self, staff_id: str, chosen: int) -> None:
        for position, (_, variable) in enumerate(self.columns[staff_id]):
            value = 1 if position == chosen else 0
            variable.SetBounds(value, value)


def _generate(
    master: _Master, pricers: dict[str, StaffPricer], active: Sequence[str], deadline: float
) -> tuple[float, float, bool, int]:
    """Column generation over the ``active`` staff: (LP value, best lower bound, converged, rounds)."""
    best_bound, rounds = -math.inf, 0
    while True:
        value = master.solve()
        rounds += 1
        # read every dual before adding a column: GLOP's solution is gone once the model changes
        duals = {cell: row.dual_value() for cell, row in master.cover_rows.items()}
        convexity_duals = {staff_id: master.convexity[staff_id].dual_value() for staff_id in active}
        found: list[tuple[str, Priced]] = []
        negative = 0.0
        for staff_id in active:
            priced = pricers[staff_id].price(duals, threshold=convexity_duals[staff_id])
            if priced is not None and priced.reduced_cost - convexity_duals[staff_id] < -REDUCED_COST_EPSILON:
                found.append((staff_id, priced))
                negative += priced.reduced_cost - convexity_duals[staff_id]
        best_bound = max(best_bound, value + negative)
        for staff_id, priced in found:
            master.add(staff_id, priced)
        if not found:
            return value, best_bound, True, rounds
        if time.monotonic() > deadline:  # solved once more, so that the LP values cover the new columns
            return master.solve(), best_bound, False, rounds


def solve(data: CurtoisData, time_limit: float, dive: bool) -> Outcome:
    """The column-generation LP of ``data`` (and, with ``dive``, a roster by price-and-dive)."""
    started = time.monotonic()
    deadline = started + time_limit
    costs = request_costs(data)
    pricers = {staff.id: StaffPricer(data, staff, costs[staff.id]) for staff in data.staff}
    master = _Master(data)
    for staff_id, pricer in pricers.items():
        first = pricer.price({})
        if first is None:
            raise ValueError(f"staff member {staff_id} has no roster that keeps every hard rule")
        master.add(staff_id, first)
    lp_value, bound, converged, rounds = _generate(master, pricers, list(pricers), deadline)
    outcome = Outcome(lp_value, bound, converged, rounds)
    outcome.seconds = time.monotonic() - started
    if dive:
        active = list(pricers)
        fixed: dict[str, Column] = {}
        while active:
            values = [
                (variable.solution_value(), staff_id, position)
                for staff_id in active
                for position, (_, variable) in enumerate(master.columns[staff_id])
            ]
            _, staff_id, position = max(values)
            master.fix(staff_id, position)
            fixed[staff_id] = master.columns[staff_id][position][0]
            active.remove(staff_id)
            if active:
                _, _, _, more = _generate(master, pricers, active, deadline)
                outcome.rounds += more
        outcome.dive_roster = {
            (staff_id, day): shift for staff_id, days in fixed.items() for day, shift in enumerate(days) if shift
        }
        outcome.dive_seconds = time.monotonic() - started - outcome.seconds
    outcome.columns = sum(len(columns) for columns in master.columns.values())
    return outcome


def _instance_path(name: str) -> Path:
    """A file path as given; a bare name such as ``Instance8`` from the shared benchmark folder."""
    path = Path(name)
    if path.suffix or len(path.parts) > 1:
        return path
    return BENCHMARK / f"{name}.txt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances", nargs="+", help="InstanceN (from the shared benchmark folder) or a file path")
    parser.add_argument("--dive", action="store_true", help="also build a roster by price-and-dive")
    parser.add_argument(
        "--time-limit", type=float, default=600.0, help="seconds after which column generation stops early"
    )
    arguments = parser.parse_args()
    loaded = []
    for name in arguments.instances:
        path = _instance_path(name)
        try:
            loaded.append((name, parse_curtois(path.read_text(encoding="ascii"))))
        except (OSError, UnicodeDecodeError, CurtoisFormatError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            return 2
    print(f"# {platform.machine()}, Python {platform.python_version()}")
    print("| instance | LP bound | LP converged | rounds | columns | s | dive roster | rules kept | dive s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, data in loaded:
        outcome = solve(data, arguments.time_limit, arguments.dive)
        dive_value = dive_rules = dive_seconds = "—"
        if outcome.dive_roster is not None:
            dive_value = str(curtois_objective(data, outcome.dive_roster))
            broken = curtois_violations(data, outcome.dive_roster)
            dive_rules = "yes" if not broken else f"no ({len(broken)} broken)"
            dive_seconds = f"{outcome.dive_seconds:.1f}"
        print(
            f"| {Path(name).stem} | {math.ceil(outcome.bound - 1e-6)} | {'yes' if outcome.converged else 'no'} "
            f"| {outcome.rounds} | {outcome.columns} | {outcome.seconds:.1f} | {dive_value} | {dive_rules} "
            f"| {dive_seconds} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
