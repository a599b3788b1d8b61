"""A first roster by column generation and a dive, for the sequence rules of the rostering benchmarks.

Where a cadre's rules are the sequence rules alone (see :func:`applies`: those
of :mod:`scheduler.search.runs`) and the objective is a weighted sum of
parts that each cadre's roster adds on its own (demand target, coverage
minimum, requests), the problem splits into one roster per cadre tied
together only by the demand. Column generation solves its linear relaxation:

- the master LP (GLOP) holds some rosters (columns) of every cadre; each cadre
  takes a convex combination of theirs (one convexity row each), and each
  demand cell counts the cadres on duty, priced by its under, over and
  missing-minimum variables at the objective's weights;
- each cadre's pricing problem finds their cheapest roster, every rule of
  theirs kept, where a duty in a cell is worth the cell's dual. It is solved
  exactly by labelling, day by day (:class:`CadrePricer`). A roster holds at
  most one duty a day: where a cadre may hold more, its rosters still keep
  every rule but the LP is then no relaxation of the whole problem.

The dive then fixes the cadre whose column has the largest LP value to that
column, generates columns for the others again (until the LP is within
DIVE_GAP of its bound), and repeats until every cadre has a roster. When
the pace of its steps says the time left will not give every cadre a step
of their own, a step fixes as many cadres (the largest values first) as
spread them over the steps that fit. Any choice of one column per cadre
keeps every hard rule (the demand is soft). When time runs out even so, the
cadres not yet fixed are left to the caller: the solver gives them runs
(scheduler.search.runs) on the demand the dive's rosters leave, which
was a far better start on Instance12 than their columns of largest LP value
(BENCHMARKS.md, tenth session). The solver checks the roster in the whole
model with the duties fixed before using it.

The dive follows whichever optimal LP solution GLOP returns and the columns
that led there, and its roster depends much on them. With two workers
(:func:`side_by_side`) the LP prices its cadres in two threads; then a forked
process dives it fixing at least a twentieth of the cadres left a step (one
at a time on up to 20 cadres) while this process generates a second LP with
GLOP set otherwise and dives that fixing at least a tenth of the cadres
left a step (quicker, mostly a little worse); the cheaper of the two
rosters is kept. Where time is too short for a second LP, the first is
dived both ways.

On the Curtois–Qu benchmark the LP value equals the best known objective
on Instances 10–12, where CP-SAT's own bound is far lower, and the dive's
roster is a far better start for the search than the runs construction's
(BENCHMARKS.md, ninth and tenth sessions).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import logging
import math
import multiprocessing
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from models.instance import Instance
from scheduler.model.calendar import hours_to_minutes
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import DutyKey
from scheduler.search.columns.labelling import REDUCED_COST_EPSILON, completion_costs, extend_days
from scheduler.search.runs import applies as runs_apply

logger = logging.getLogger(__name__)

OFF = None  # the choice of a day off
# The parts a cadre's roster adds on its own; any other part weighted above 0 means no column generation.
SEPARABLE_PARTS = {"coverage", "target", "requests"}
# In deterministic mode the work is counted in labels extended, this many per unit of the budget: about a
# second of the column generation on the benchmark machine when it was set (1.9 million labels a second on
# Instances 8 and 10, GLOP included: BENCHMARKS.md, tenth session). The labelling has since become faster
# (Instance8's LP: 3.3-3.9 million a second, thirteenth session), so a unit now takes less; it is kept, so
# that a deterministic budget still means the same work and gives the same roster.
LABELS_PER_UNIT = 2_000_000
# The dive fixes one cadre a step while the pace of its last DIVE_PACE_STEPS steps lets every cadre left
# have a step within DIVE_TIME_SAFETY of the time left, and more a step otherwise. On Instance12 one a step
# took 60 s and gave 4040 (the optimum); a tenth of the cadres left a step 28 s and 4040; a third 19 s and
# 4151 (BENCHMARKS.md, eleventh session).
DIVE_PACE_STEPS = 3
DIVE_TIME_SAFETY = 0.8  # the steps grow longer as more cadres are fixed at once
# A dive step stops generating columns once the LP value is within this share of the round's lower bound:
# a step's last rounds change the LP by little. A gap of about 0.025 % took Instance12's run from 60 s to
# 52 s (dive roster 4040 to 4048); 0.05 % and 0.2 % gave the rosters of no gap within 3 units on Instances
# 5-11 (BENCHMARKS.md, eleventh session).
DIVE_GAP = 0.0005
# GLOP settings for solving a master LP again after GLOP ended ABNORMAL (see _Master.solve).
RETRY_LP_SETTINGS = "use_preprocessing: false"
# A dive one cadre a step took 1.4 to 2.9 times as long as the LP before it (Instances 5-11, BENCHMARKS.md,
# tenth session), and 3.5 times on Instance12: a second LP is generated only if it leaves its dive that.
DIVE_TO_LP = 2.2
# The first LP gets at most 1 / (1 + FIRST_DIVE_TO_LP) of the budget, and without its optimum by then there
# is no dive. It is allowed more than the dive's ratio above because a dive in batches still completes a
# roster in the time left, and that roster beat the runs construction that follows an LP given up: Instance12
# at 40 s 4353 against 5339-6119 at 60 s; Instance14 1280 against 1549-1802 (BENCHMARKS.md, twelfth session).
FIRST_DIVE_TO_LP = 1.2

LEAST_LP_ROUNDS = 18  # the fewest pricing rounds an LP needed on Instances 5-12 (Instance11's)
PACE_SAMPLE = 3  # cadres priced before their pace is taken
# GLOP's settings for the master LP. With two cores (see side_by_side) a second LP is generated with
# SECOND_LP_SETTINGS while the first LP's dive runs: its columns lead the dive elsewhere (Instance8: dives
# 1303-1313 against 1404-1412 from the first LP; BENCHMARKS.md, twelfth session).
LP_SETTINGS = ""
SECOND_LP_SETTINGS = "use_preprocessing: false"
# The least share of the cadres left that a dive step fixes (at least one): a twentieth from the first LP,
# a tenth from the second (Instance12: 4040 in 32 s; rosters otherwise a little worse, and Instance11's
# 3544 against 3443). One a step gave the best rosters on Instances 5-12 but took Instance12 46 s, so that
# in the solver it had to fix cadres in uneven batches (up to 2-4 a step, the largest late) and gave 4042,
# 4848, 4242 and 4040; a twentieth ends Instance12's dive unhurried in 36 steps, 4040 every time, and is
# one a step on up to 20 cadres (BENCHMARKS.md, thirteenth session).
FIRST_DIVE_SHARE = 0.05
SECOND_DIVE_SHARE = 0.1
PRICING_THREADS = 2  # the first LP's pricing, with two cores (before the dive's process is forked)
# The second LP prices in one thread (the other core dives the first) and without presolve: Instance12's
# first LP took 11.6-12.0 s with two threads against 12.9-14.8 s with one, and 14.0 s without presolve.
SECOND_LP_SLOWER = 1.5
# The labelling runs this many days a call to compiled code, and checks for a stop in between.
DAYS_PER_CALL = 7
CHILD_GRACE = 2.0  # seconds the parent waits for a child's outcome beyond the budget


def lp_share(budget: float) -> float:
    """The most of ``budget`` the first LP before a dive may take (see FIRST_DIVE_TO_LP)."""
    return budget / (1 + FIRST_DIVE_TO_LP)


Choice = str | None  # a shift id, or OFF
Column = tuple[Choice, ...]  # the shift worked on each day, or OFF
RunState = tuple[str, int, bool]  # (last: "start", "off" or a shift id; run length; run began on day 0)


def applies(instance: Instance) -> bool:
    """Whether the problem splits into one roster per cadre tied only by a weighted, soft demand."""
    objective = instance.objective
    if objective.mode != "weighted" or not runs_apply(instance):
        return False
    if any(weight for name, weight in objective.weights.items() if name not in SEPARABLE_PARTS):
        return False
    for checkpoint in instance.checkpoints:
        for rule in checkpoint.demand:
            if rule.skills or rule.max not in (None, 0):
                return False
    return True


@dataclass(frozen=True)
class CadreRules:
    """One cadre's rules as the pricing problem keeps them (minutes, run lengths, counts)."""

    min_minutes: int = 0
    max_minutes: int | None = None
    shortest_work_run: int = 1
    longest_work_run: int | None = None
    shortest_off_run: int = 1
    max_weekends: int | None = None
    max_by_shift: dict[str, int] = field(default_factory=dict)
    forbidden: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class CadreProblem:
    """What one cadre's pricing needs: per day the shifts open (minutes and checkpoints), the
    request costs of each choice, the weekends, and the rules."""

    cadre: str
    options: list[dict[str, tuple[int, tuple[str, ...]]]]  # per day: shift -> (minutes, checkpoints)
    costs: list[dict[Choice, float]]  # per day: request cost of each choice (OFF included), weighted
    weekend_close: list[int]  # per day: 0 not a weekend's last day, else the weekend's number of days
    rules: CadreRules
    clash: list[frozenset[tuple[str, str]]]  # per day d: (shift on d-1, shift on d) pairs that overlap

    @property
    def days(self) -> int:
        return len(self.options)


@dataclass(frozen=True)
class Priced:
    reduced_cost: float  # without the convexity dual
    cost: float  # the column's own part of the objective: the cadre's requests (weighted)
    days: Column
    checkpoints: tuple[str | None, ...]  # the checkpoint of each day's duty


class MasterFailed(RuntimeError):
    """GLOP gave no optimal solution of the master LP: the duals cannot be trusted."""


class WorkCounter:
    """Labels extended so far: the deterministic measure of the work done."""

    def __init__(self) -> None:
        self.labels = 0
        self._lock = threading.Lock()  # pricings in threads add to it

    def add(self, labels: int) -> None:
        with self._lock:
            self.labels += labels


class CadrePricer:
    """The cheapest roster of one cadre under given duals, every rule of theirs kept.

    A label holds the run state (last shift or off, run length, whether the run
    began on day 0 and is therefore exempt from the shortest lengths, as runs
    touching the horizon's ends are), the minutes worked, the weekends worked
    and the count of each shift type whose limit a cheapest roster broke
    earlier in the same call (the other limits are checked on the result; a
    broken one joins the labels and the pricing is repeated). A label is
    dropped when it cannot reach the minimum minutes, or when even the
    cheapest completion under the run rules alone would not beat the
    threshold (the cadre's convexity dual).
    """

    def __init__(
        self,
        problem: CadreProblem,
        counter: WorkCounter | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.problem = problem
        self.rules = problem.rules
        self.counter = counter or WorkCounter()
        self.should_stop = should_stop  # asked every DAYS_PER_CALL days of the labelling: labels can be many
        self.shifts = sorted({shift for day in problem.options for shift in day})
        self.counted: list[str] = []  # shift types whose count the labels carry (in the last call)
        self.most_minutes_from = [0] * (problem.days + 1)
        for day in range(problem.days - 1, -1, -1):
            longest = max((minutes for minutes, _ in problem.options[day].values()), default=0)
            self.most_minutes_from[day] = self.most_minutes_from[day + 1] + longest
        self.run_states: list[RunState] = []
        self.next_state: list[dict[Choice, int]] = []
        self._build_run_states()
        self._arrays()

    def _build_run_states(self) -> None:
        """The run-state automaton: run lengths and forbidden successions as transitions."""
        rules = self.rules
        longest = math.inf if rules.longest_work_run is None else rules.longest_work_run
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
            for choice in [OFF, *self.shifts]:
                after: RunState | None
                if choice is OFF:
                    if last == "start":
                        after = ("off", 1, True)
                    elif last == "off":
                        after = ("off", min(run + 1, rules.shortest_off_run), from_day_0)
                    else:
                        short = not from_day_0 and run < rules.shortest_work_run
                        after = None if short else ("off", 1, False)
                else:
                    if last == "start":
                        allowed, after = True, (choice, 1, True)
                    elif last == "off":
                        allowed = from_day_0 or run >= rules.shortest_off_run
                        after = (choice, 1, False)
                    else:
                        allowed = (last, choice) not in rules.forbidden
                        # without a longest run, lengths past the shortest need not be told apart
                        longer = (
                            run + 1 if rules.longest_work_run is not None else min(run + 1, rules.shortest_work_run)
                        )
                        after = (choice, longer, from_day_0)
                    if not allowed or after[1] > longest:
                        after = None
                if after is not None:
                    self.next_state[done][choice] = state(after)
            done += 1

    def _arrays(self) -> None:
        """The problem as arrays for the compiled labelling: choice 0 is a day off, k the k-th shift."""
        problem, rules = self.problem, self.rules
        self.choice_of = {shift: position + 1 for position, shift in enumerate(self.shifts)}
        choices = len(self.shifts) + 1
        self.next_state_table = np.full((len(self.run_states), choices), -1, np.int64)
        self.last_shift = np.zeros(len(self.run_states), np.int64)
        for state, successors in enumerate(self.next_state):
            for choice, after in successors.items():
                self.next_state_table[state, 0 if choice is OFF else self.choice_of[choice]] = after
            last = self.run_states[state][0]
            self.last_shift[state] = self.choice_of.get(last, 0)
        days = problem.days
        self.day_open = np.zeros((days, choices), np.bool_)
        self.day_open[:, 0] = True
        self.day_minutes = np.zeros((days, choices), np.int64)
        self.day_cost = np.zeros((days, choices))
        self.day_clash = np.zeros((days, choices, choices), np.bool_)
        # The cells a duty can be in, grouped by (day, choice): group g is cell_keys[group_start[g]:
        # group_start[g + 1]], its checkpoints in order; a duty goes to the group's cell of largest dual.
        self.cell_keys: list[tuple[int, str, str]] = []
        group_start: list[int] = []
        group_day: list[int] = []
        group_choice: list[int] = []
        self.group_of: dict[tuple[int, int], int] = {}
        for day, options in enumerate(problem.options):
            self.day_cost[day, 0] = problem.costs[day].get(OFF, 0.0)
            for shift, (minutes, checkpoints) in options.items():
                shift_choice = self.choice_of[shift]
                self.day_open[day, shift_choice] = True
                self.day_minutes[day, shift_choice] = minutes
                self.day_cost[day, shift_choice] = problem.costs[day].get(shift, 0.0)
                self.group_of[(day, shift_choice)] = len(group_start)
                group_start.append(len(self.cell_keys))
                group_day.append(day)
                group_choice.append(shift_choice)
                self.cell_keys.extend((day, shift, checkpoint) for checkpoint in checkpoints)
            for before, shift in problem.clash[day]:
                self.day_clash[day, self.choice_of[before], self.choice_of[shift]] = True
        self.group_start = np.array([*group_start, len(self.cell_keys)], np.int64)
        self.group_day = np.array(group_day, np.int64)
        self.group_choice = np.array(group_choice, np.int64)
        self.closing = np.array(problem.weekend_close, np.int64)
        self.need = np.array([rules.min_minutes - self.most_minutes_from[day + 1] for day in range(days)], np.int64)
        reachable = self.most_minutes_from[0]
        self.most_minutes = reachable if rules.max_minutes is None else min(rules.max_minutes, reachable)
        weekends = sum(1 for closing in problem.weekend_close if closing)
        self.most_weekends = weekends if rules.max_weekends is None else min(rules.max_weekends, weekends)

    def price(self, duals: dict[tuple[int, str, str], float], threshold: float = math.inf) -> Priced | None:
        """The cheapest roster by reduced cost (cost less the duals of the cells worked), if one is
        below ``threshold``; None if none is (or the cadre has no roster at all).

        Each call starts with no count in the labels: counts carried from earlier calls made
        Instance8's LP 5.5 times slower (BENCHMARKS.md, ninth session).
        """
        self.counted = []
        limits = self.rules.max_by_shift
        while True:
            priced = self._label(duals, threshold)
            if priced is None:
                return None
            broken = [
                shift
                for shift in self.shifts
                if shift not in self.counted and shift in limits and priced.days.count(shift) > limits[shift]
            ]
            if not broken:
                return priced
            self.counted.extend(broken)  # a count limit broken: carry these counts and price again

    def _reduced(self, duals: dict[tuple[int, str, str], float]) -> tuple[np.ndarray, np.ndarray]:
        """Per day and choice the reduced cost (a duty in its cell of largest dual), and each cell's dual."""
        cell_duals = np.array([duals.get(cell, 0.0) for cell in self.cell_keys], dtype=float)
        reduced = self.day_cost.copy()
        if len(self.cell_keys):
            best = np.maximum.reduceat(cell_duals, self.group_start[:-1])
            reduced[self.group_day, self.group_choice] -= best
        return reduced, cell_duals

    def _checkpoint(self, day: int, choice: int, cell_duals: np.ndarray) -> str:
        """The checkpoint of the first cell of largest dual among those of ``choice`` on ``day``."""
        group = self.group_of[(day, choice)]
        start, end = self.group_start[group], self.group_start[group + 1]
        return self.cell_keys[start + int(np.argmax(cell_duals[start:end]))][2]

    def _label(self, duals: dict[tuple[int, str, str], float], threshold: float) -> Priced | None:
        problem, rules = self.problem, self.rules
        counted_position = np.full(len(self.shifts) + 1, -1, np.int64)
        for position, shift in enumerate(self.counted):
            counted_position[self.choice_of[shift]] = position
        count_limits = np.array([rules.max_by_shift[shift] for shift in self.counted], np.int64)
        minutes_radix, weekends_radix = self.most_minutes + 1, self.most_weekends + 1
        if len(self.run_states) * minutes_radix * weekends_radix * math.prod(int(x) + 1 for x in count_limits) >= 2**62:
            raise PricingTooLarge(f"cadre {problem.cadre}: too many distinct labels for the pricing's keys")
        reduced, cell_duals = self._reduced(duals)
        least = completion_costs(self.next_state_table, reduced, self.day_open)
        # one label: the start, no minutes, no weekends, no counts, nothing spent (extend_days' first six)
        labels: list[np.ndarray] = [
            np.zeros(1, np.int64),
            np.zeros(1, np.int64),
            np.zeros(1, np.int64),
            np.zeros((1, len(self.counted)), np.int64),
            np.zeros(1),
            np.zeros(1),
        ]
        compiled: Callable[..., tuple[Any, ...]] = extend_days  # typed loosely: the labels are passed unpacked
        trail: list[tuple[np.ndarray, np.ndarray]] = []  # per day: (label it came from, choice)
        extended = 0
        for first_day in range(0, problem.days, DAYS_PER_CALL):
            *labels, trail_parent, trail_choice, trail_start, extended_now = compiled(
                first_day,
                min(first_day + DAYS_PER_CALL, problem.days),
                *labels,
                self.next_state_table,
                self.last_shift,
                self.day_open,
                self.day_minutes,
                reduced,
                self.day_cost,
                self.day_clash,
                self.closing,
                self.need,
                self.most_minutes,
                self.most_weekends,
                counted_position,
                count_limits,
                least,
                float(threshold),
                minutes_radix,
                weekends_radix,
            )
            extended += extended_now
            trail.extend(
                (trail_parent[start:end], trail_choice[start:end])
                for start, end in itertools.pairwise(trail_start.tolist())
            )
            if len(labels[0]) == 0:
                break
            if self.should_stop():
                self.counter.add(extended)
                raise PricingStopped(f"cadre {problem.cadre}: pricing stopped on day {len(trail) - 1}")
        self.counter.add(extended)
        states, minutes, _, _, reduced_so_far, cost_so_far = labels
        ending = np.flatnonzero(minutes >= rules.min_minutes)
        if len(states) == 0 or len(ending) == 0:
            return None
        at = int(ending[np.argmin(reduced_so_far[ending])])
        best_reduced, cost = float(reduced_so_far[at]), float(cost_so_far[at])
        chosen: list[int] = []
        for day in range(problem.days - 1, -1, -1):
            parent, choice_made = trail[day]
            chosen.append(int(choice_made[at]))
            at = int(parent[at])
        chosen.reverse()
        days = tuple(OFF if choice == 0 else self.shifts[choice - 1] for choice in chosen)
        checkpoints = tuple(
            None if choice == 0 else self._checkpoint(day, choice, cell_duals) for day, choice in enumerate(chosen)
        )
        return Priced(best_reduced, cost, days, checkpoints)


class PricingTooLarge(ValueError):
    """A cadre's labels cannot be keyed in 64 bits (run states x minutes x weekends x counts)."""


class PricingStopped(RuntimeError):
    """A pricing stopped in the middle because the column generation's time is up."""


@functools.cache
def warm_up() -> None:
    """Compile the labelling (or load it from numba's cache) on a two-day problem, once per process."""
    problem = CadreProblem(
        cadre="warm-up",
        options=[{"D": (60, ("c",))}, {"D": (60, ("c",))}],
        costs=[{OFF: 0.0, "D": 1.0}, {OFF: 1.0, "D": 0.0}],
        weekend_close=[0, 2],
        rules=CadreRules(max_by_shift={"D": 1}, max_weekends=1, max_minutes=120),
        clash=[frozenset(), frozenset()],
    )
    CadrePricer(problem).price({(0, "D", "c"): 2.0})


def cadre_problems(roster_model: RosterModel) -> dict[str, CadreProblem]:
    """Each cadre's pricing problem, from the model's own variables, calendar and rules."""
    calendar = roster_model.calendar
    instance = roster_model.instance
    requests_weight = instance.objective.weights.get("requests", 0)
    weekend_close = [0] * calendar.days
    for weekend in calendar.weekends():
        weekend_close[weekend[-1]] = len(weekend)
    problems: dict[str, CadreProblem] = {}
    for cadre in instance.cadres:
        facts = roster_model.facts(cadre.id)
        rules = facts.rules
        options: list[dict[str, tuple[int, tuple[str, ...]]]] = [{} for _ in range(calendar.days)]
        gathered: dict[tuple[int, str], list[str]] = {}
        for key in roster_model.vars.duty_keys_of_cadre.get(cadre.id, []):
            gathered.setdefault((key.day, key.shift), []).append(key.checkpoint)
        for (day, shift), checkpoints in sorted(gathered.items()):
            options[day][shift] = (calendar.slots[(day, shift)].minutes, tuple(sorted(checkpoints)))
        costs: list[dict[Choice, float]] = [dict.fromkeys([OFF, *options[day]], 0.0) for day in range(calendar.days)]
        for request in cadre.requests:
            day = calendar.day_of(request.date)
            if not 0 <= day < calendar.days:
                continue
            for choice in costs[day]:
                worked = choice is not OFF and (request.shift is None or choice == request.shift)
                if worked == (request.kind == "off"):  # off and worked, or on and not worked: not granted
                    costs[day][choice] += requests_weight * request.weight
        rest = facts.rest_minutes
        clash: list[frozenset[tuple[str, str]]] = [frozenset()]
        for day in range(1, calendar.days):
            today = [calendar.slots[(day, shift)] for shift in options[day]]
            earliest = min((slot.start for slot in today), default=None)
            # only a shift of the day before that ends (with rest) after today's earliest start can clash
            reaching = [
                calendar.slots[(day - 1, before)]
                for before in options[day - 1]
                if earliest is not None and calendar.slots[(day - 1, before)].end + rest > earliest
            ]
            clash.append(
                frozenset(
                    (before.shift, slot.shift)
                    for before in reaching
                    for slot in today
                    if roster_model.conflict(cadre.id, before, slot)
                )
            )
        problems[cadre.id] = CadreProblem(
            cadre=cadre.id,
            options=options,
            costs=costs,
            weekend_close=weekend_close,
            rules=CadreRules(
                min_minutes=calendar.prorated_min_total_minutes(facts) or 0,
                max_minutes=hours_to_minutes(rules.max_total_hours),
                shortest_work_run=rules.min_consecutive_work_days or 1,
                longest_work_run=rules.max_consecutive_work_days,
                shortest_off_run=rules.min_consecutive_days_off or 1,
                max_weekends=rules.max_weekends,
                max_by_shift=dict(rules.max_shifts_by_type or {}),
                forbidden=frozenset((first, second) for first, second in rules.forbidden_successions or []),
            ),
            clash=clash,
        )
    return problems


@dataclass
class _Master:
    """The master LP, kept in one GLOP model that grows column by column."""

    roster_model: RosterModel
    solver: pywraplp.Solver = field(init=False)
    cell_rows: dict[tuple[int, str, str], list[pywraplp.Constraint]] = field(init=False, default_factory=dict)
    convexity: dict[str, pywraplp.Constraint] = field(init=False, default_factory=dict)
    columns: dict[str, list[tuple[Priced, pywraplp.Variable]]] = field(init=False, default_factory=dict)
    held: dict[str, set[tuple[Column, tuple[str | None, ...]]]] = field(init=False, default_factory=dict)
    settings: str = ""  # GLOP's

    def __post_init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("GLOP is not available in this OR-Tools build")
        self.solver = solver
        solver.SetSolverSpecificParametersAsString(self.settings)
        objective = solver.Objective()
        objective.SetMinimization()
        instance = self.roster_model.instance
        weights = instance.objective.weights
        target_weight, coverage_weight = weights.get("target", 0), weights.get("coverage", 0)
        risk_weights = instance.objective.risk_weights
        calendar = self.roster_model.calendar
        infinity = solver.infinity()
        for (checkpoint, day, shift), rule in calendar.demand.items():
            label = f"{checkpoint},{day},{shift}"
            # the duties in the cell, plus under, less over, make the target
            row = solver.Constraint(rule.target, rule.target, f"cell[{label}]")
            under = solver.NumVar(0, infinity, f"under[{label}]")
            over = solver.NumVar(0, infinity, f"over[{label}]")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            objective.SetCoefficient(under, target_weight * rule.under_weight)
            objective.SetCoefficient(over, target_weight * rule.over_weight)
            rows = [row]
            if coverage_weight and rule.min > 0:  # the duties plus missing make the minimum
                minimum = solver.Constraint(rule.min, infinity, f"minimum[{label}]")
                missing = solver.NumVar(0, infinity, f"missing[{label}]")
                minimum.SetCoefficient(missing, 1)
                risk = getattr(risk_weights, calendar.checkpoints[checkpoint].risk)
                objective.SetCoefficient(missing, coverage_weight * risk)
                rows.append(minimum)
            self.cell_rows[(day, shift, checkpoint)] = rows
        for cadre in instance.cadres:
            self.convexity[cadre.id] = solver.Constraint(1, 1, f"one_roster[{cadre.id}]")
            self.columns[cadre.id] = []
            self.held[cadre.id] = set()

    def add(self, cadre: str, priced: Priced) -> bool:
        """Add the column unless the cadre has it already (False then). Duals a hair off (as an LP
        solved within GLOP's tolerances may give) can price out a column already held: adding it again
        and again would never end the generation."""
        key = (priced.days, priced.checkpoints)
        if key in self.held[cadre]:
            return False
        self.held[cadre].add(key)
        variable = self.solver.NumVar(0, self.solver.infinity(), f"roster[{cadre},{len(self.columns[cadre])}]")
        self.solver.Objective().SetCoefficient(variable, priced.cost)
        self.convexity[cadre].SetCoefficient(variable, 1)
        for day, (shift, checkpoint) in enumerate(zip(priced.days, priced.checkpoints, strict=True)):
            if shift is not OFF and checkpoint is not None:
                for row in self.cell_rows.get((day, shift, checkpoint), []):
                    row.SetCoefficient(variable, 1)
        self.columns[cadre].append((priced, variable))
        return True

    def solve(self) -> float:
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            # GLOP now and then ends ABNORMAL on a re-solve (seen in Instance8's and Instance12's dives, and
            # with several rosters a pricing); without presolve it solved the one in Instance12's dive
            logger.info("column generation: GLOP ended with status %d; solving again otherwise", status)
            self.solver.SetSolverSpecificParametersAsString(RETRY_LP_SETTINGS)
            status = self.solver.Solve()
            self.solver.SetSolverSpecificParametersAsString(self.settings)
        if status != pywraplp.Solver.OPTIMAL:
            raise MasterFailed(f"GLOP did not solve the master LP to optimality (status {status})")
        return float(self.solver.Objective().Value())

    def duals(self) -> dict[tuple[int, str, str], float]:
        """The worth of a duty in each cell, for the pricing: read before the model changes."""
        return {cell: sum(row.dual_value() for row in rows) for cell, rows in self.cell_rows.items()}

    def fix(self, cadre: str, chosen: int) -> None:
        for position, (_, variable) in enumerate(self.columns[cadre]):
            value = 1 if position == chosen else 0
            variable.SetBounds(value, value)

    def largest(self, cadres: Sequence[str]) -> list[tuple[float, str, int]]:
        """(LP value, cadre, column position) of each cadre's column of largest value, the largest first."""
        return sorted(
            (
                max((variable.solution_value(), cadre, position) for position, (_, variable) in enumerate(columns))
                for cadre in cadres
                if (columns := self.columns[cadre])
            ),
            reverse=True,
        )


@dataclass
class Outcome:
    """What the column generation found: its LP value and bound, and the dive's roster."""

    lp_value: float = math.nan  # of the last master LP before the dive (in the objective's units)
    bound: float = -math.inf  # best valid lower bound seen (LP value plus every negative reduced cost of a round)
    converged: bool = False  # no column with negative reduced cost was left: lp_value is the LP optimum
    rounds: int = 0  # pricing rounds, the dive's included
    columns: int = 0
    duties: list[DutyKey] = field(default_factory=list)
    dive_complete: bool = False  # every cadre fixed by the dive
    unfixed: list[str] = field(default_factory=list)  # cadres the dive had no time to fix (no duties here)
    abandoned: bool = False  # the LP did not end in its share (or GLOP failed): no roster
    dive_steps: int = 0
    largest_batch: int = 0  # the most cadres one dive step fixed
    value: float = math.inf  # the dive's roster in the objective's units, when the dive is complete
    lp_settings: str = LP_SETTINGS  # GLOP's, for the master LP
    dive_share: float = 0.0  # the least share of the cadres left that a dive step fixed (0: one)
    lp_seconds: float = 0.0  # until the LP before the dive
    seconds: float = 0.0  # until the end


class ColumnGeneration:
    """The column generation and dive over a roster model (see the module doc)."""

    def __init__(
        self,
        roster_model: RosterModel,
        budget: float | None,
        *,
        deterministic: bool = False,
        stopped: Callable[[], bool] = lambda: False,
        lp_settings: str = LP_SETTINGS,
    ) -> None:
        warm_up()  # compiling (or loading the compiled code) is not the pricing's pace
        self.roster_model = roster_model
        self.lp_settings = lp_settings
        self.budget = budget
        self.deterministic = deterministic
        self.stopped = stopped
        self.started = time.monotonic()
        self.counter = WorkCounter()
        self.limit: float | None = budget  # the work the current phase may reach (the LP's is lower)
        self.pricers = {
            cadre: CadrePricer(problem, self.counter, lambda: self.out_of_time(self.limit))
            for cadre, problem in cadre_problems(roster_model).items()
        }
        self.master = _Master(roster_model, lp_settings)
        self._pool: ThreadPoolExecutor | None = None  # the LP's pricing threads, while it runs

    def used(self) -> float:
        if self.deterministic:
            return self.counter.labels / LABELS_PER_UNIT
        return time.monotonic() - self.started

    def out_of_time(self, limit: float | None = None) -> bool:
        """Stopped, or the budget (or ``limit``, in the same units) used up."""
        limit = self.budget if limit is None else limit
        return self.stopped() or (limit is not None and self.used() >= limit)

    def generate(self, active: Sequence[str], gap: float = 0.0) -> tuple[float, float, bool, int]:
        """Columns for the ``active`` cadres until none prices out, the LP value is within ``gap``
        (above 0) of the best lower bound, or the current phase's ``limit`` is reached: (LP value,
        best lower bound, converged, rounds)."""
        master = self.master
        best_bound, rounds = -math.inf, 0
        while True:
            value = master.solve()
            rounds += 1
            duals = master.duals()
            convexity = {cadre: master.convexity[cadre].dual_value() for cadre in active}
            found: list[tuple[str, Priced]] = []
            negative = 0.0
            with contextlib.closing(self._priced(active, duals, convexity)) as pricings:
                for cadre, priced in pricings:
                    if priced is not None and priced.reduced_cost - convexity[cadre] < -REDUCED_COST_EPSILON:
                        found.append((cadre, priced))
                        negative += priced.reduced_cost - convexity[cadre]
                    if self.out_of_time(self.limit):
                        break
                else:  # every cadre priced: the round's bound is valid
                    best_bound = max(best_bound, value + negative)
                    if gap > 0 and found and value - best_bound <= gap:  # the columns found gain at most ``gap``
                        return value, best_bound, False, rounds
            added = [master.add(cadre, priced) for cadre, priced in found]
            if not any(added):
                return value, best_bound, True, rounds
            if self.out_of_time(self.limit):  # solved once more, so that the LP values cover the new columns
                return master.solve(), best_bound, False, rounds

    def _priced(
        self, active: Sequence[str], duals: dict[tuple[int, str, str], float], convexity: dict[str, float]
    ) -> Generator[tuple[str, Priced | None], None, None]:
        """Each active cadre's cheapest roster below their convexity dual, in the cadres' order; in
        the LP's threads when it has them. Whatever the caller leaves unread is cancelled or waited
        for (a pricer holds state of its call: two threads must never share one)."""
        pool = self._pool
        if pool is None:
            for cadre in active:
                yield cadre, self.pricers[cadre].price(duals, threshold=convexity[cadre])
            return
        futures: list[Future[Priced | None]] = [
            pool.submit(self.pricers[cadre].price, duals, convexity[cadre]) for cadre in active
        ]
        try:
            for cadre, future in zip(active, futures, strict=True):
                yield cadre, future.result()
        finally:
            for future in futures:
                future.cancel()
            wait(futures)

    def _lp_too_slow(self, lp_limit: float, pricing_started: float, priced: int) -> bool:
        """Whether, at the pace of the first ``priced`` cadres' first rosters (begun at ``pricing_started``),
        LEAST_LP_ROUNDS rounds of pricing every cadre would not fit before ``lp_limit``."""
        if self.out_of_time(lp_limit):
            return True
        if priced < min(PACE_SAMPLE, len(self.pricers)):
            return False
        round_work = (self.used() - pricing_started) / priced * len(self.pricers)
        return self.used() + round_work * LEAST_LP_ROUNDS > lp_limit

    def _batch(self, step_work: Sequence[float], left: int, share: float) -> int:
        """How many cadres the next dive step fixes: ``share`` of the ``left`` (at least one) while
        the steps' pace lets the steps needed so end before the budget does, else as many as spread
        the cadres left over the steps that fit (at the pace of the last DIVE_PACE_STEPS steps)."""
        wanted = max(math.ceil(left * share), 1)
        if self.budget is None or not step_work:
            return wanted
        recent = step_work[-DIVE_PACE_STEPS:]
        pace = max(sum(recent) / len(recent), 1e-9)
        steps_left = max(math.floor((self.budget - self.used()) * DIVE_TIME_SAFETY / pace), 1)
        return max(math.ceil(left / steps_left), wanted)

    def run(self, *, dive: bool = True, dive_share: float = 0.0) -> Outcome | None:
        """The LP and (with ``dive``) the dive's roster, fixing at least ``dive_share`` of the cadres
        left a step; None if some cadre has no roster keeping their rules."""
        outcome = self.lp(for_dive=dive)
        if not dive or outcome is None or outcome.abandoned:
            return outcome
        return self.dive(outcome, dive_share)

    def lp(self, *, for_dive: bool = True, threads: int = 1) -> Outcome | None:
        """The LP before the dive: columns for every cadre until none prices out. ``for_dive`` keeps
        it to its share of the budget (:func:`lp_share`), else it may take the whole budget. None
        if some cadre has no roster keeping their rules; an abandoned outcome if it does not end.
        With ``threads`` above 1 the cadres are priced in that many threads, unless deterministic:
        when a budget stops a pricing would then hang on the threads' timing."""
        try:
            if threads > 1 and not self.deterministic:
                with ThreadPoolExecutor(threads, thread_name_prefix="pricing") as pool:
                    self._pool = pool
                    try:
                        return self._lp(for_dive)
                    finally:
                        self._pool = None
            return self._lp(for_dive)
        except PricingTooLarge as error:
            logger.info("column generation not used: %s", error)
            return None
        except (PricingStopped, MasterFailed) as error:
            logger.info("column generation given up: %s", error)
            return Outcome(lp_settings=self.lp_settings, abandoned=True)

    def dive(self, outcome: Outcome, dive_share: float = 0.0) -> Outcome:
        """The dive's roster from the LP of ``outcome`` (returned by :meth:`lp`, not abandoned), each
        step fixing at least ``dive_share`` of the cadres left (one a step at 0); ``outcome`` itself
        is left as it is."""
        outcome = dataclasses.replace(outcome, duties=[], unfixed=[], dive_share=dive_share)
        self.limit = self.budget
        try:
            fixed = self._dive(outcome)
            if outcome.dive_complete:
                outcome.value = self.master.solve()  # every column fixed: the roster's own cost
        except MasterFailed as error:
            logger.info("column generation given up in the dive: %s", error)
            return Outcome(lp_settings=self.lp_settings, dive_share=dive_share, abandoned=True)
        return self._finish(outcome, fixed)

    def _lp(self, for_dive: bool) -> Outcome | None:
        outcome = Outcome(lp_settings=self.lp_settings)
        lp_limit = None if self.budget is None or not for_dive else lp_share(self.budget)
        self.limit = lp_limit if lp_limit is not None else self.budget
        pricing_started = self.used()  # building the pricers is not the pricing's pace
        for priced, (cadre, pricer) in enumerate(self.pricers.items(), start=1):
            first = pricer.price({})
            if first is None:
                logger.info("column generation: cadre %s has no roster that keeps their rules", cadre)
                return None
            self.master.add(cadre, first)
            if lp_limit is not None and self._lp_too_slow(lp_limit, pricing_started, priced):
                logger.info("column generation: at the pace of the first rosters the LP would not end in time")
                outcome.abandoned = True
                return outcome
        outcome.lp_value, outcome.bound, outcome.converged, outcome.rounds = self.generate(list(self.pricers))
        logger.info(
            "column generation: LP %.2f (%s), bound %.2f, %d rounds, %.1f s",
            outcome.lp_value,
            "optimal" if outcome.converged else "stopped",
            outcome.bound,
            outcome.rounds,
            time.monotonic() - self.started,
        )
        outcome.lp_seconds = time.monotonic() - self.started
        if lp_limit is not None and not outcome.converged:
            logger.info("column generation: the LP is not done in its share: no time for a dive")
            outcome.abandoned = True
            return outcome
        if not for_dive:
            return self._finish(outcome, {})
        return outcome

    def _dive(self, outcome: Outcome) -> dict[str, Priced]:
        """Fix cadres to their column of largest LP value, the largest first, generating columns for
        the others in between, until every cadre has a roster; the cadres fixed and their columns.
        Each step fixes one cadre while time allows, more when the pace of the steps says the time
        left will not give every cadre a step (see :meth:`_batch`). ``outcome`` notes a dive stopped
        by time or a stop (``unfixed``)."""
        active = list(self.pricers)
        fixed: dict[str, Priced] = {}
        step_work: list[float] = []
        lp_value = outcome.lp_value  # of the LP before the step, for the step's gap
        outcome.dive_complete, outcome.unfixed = False, []
        while active:
            step_started = self.used()
            batch = self._batch(step_work, len(active), outcome.dive_share)
            for _, cadre, position in self.master.largest(active)[:batch]:
                self.master.fix(cadre, position)
                fixed[cadre] = self.master.columns[cadre][position][0]
                active.remove(cadre)
            outcome.largest_batch = max(outcome.largest_batch, batch)
            outcome.dive_steps += 1
            if not active:
                outcome.dive_complete = True
                break
            if self.out_of_time():  # the cadres left get no column: the caller completes the roster
                outcome.unfixed = list(active)
                break
            try:
                lp_value, _, _, more = self.generate(active, gap=DIVE_GAP * abs(lp_value))
            except PricingStopped:  # as above, with the columns generated so far
                outcome.unfixed = list(active)
                break
            outcome.rounds += more
            step_work.append(self.used() - step_started)
            logger.debug(
                "column generation: dive step %d fixed %d cadres, %d rounds, %.2f",
                len(step_work),
                batch,
                more,
                step_work[-1],
            )
        return fixed

    def _finish(self, outcome: Outcome, fixed: dict[str, Priced]) -> Outcome:
        """The outcome with the duties of ``fixed``, the cadres the dive fixed."""
        outcome.duties = [
            DutyKey(cadre, day, shift, checkpoint)
            for cadre, priced in fixed.items()
            for day, (shift, checkpoint) in enumerate(zip(priced.days, priced.checkpoints, strict=True))
            if shift is not OFF and checkpoint is not None
        ]
        outcome.columns = sum(len(columns) for columns in self.master.columns.values())
        outcome.seconds = time.monotonic() - self.started
        logger.info(
            "column generation: dive %s in %d steps (at most %d cadres a step), %d duties, %d columns, %.1f s",
            "complete" if outcome.dive_complete else f"stopped with {len(outcome.unfixed)} cadres left",
            outcome.dive_steps,
            outcome.largest_batch,
            len(outcome.duties),
            outcome.columns,
            outcome.seconds,
        )
        return outcome


def _dive_in_child(generation: ColumnGeneration, outcome: Outcome, share: float, sender: Connection) -> None:
    """A forked process's side: dive from the LP fixing at least ``share`` of the cadres left a step and
    send the outcome back (None if it failed)."""
    try:
        sender.send(generation.dive(outcome, share))
    except BaseException:  # noqa: BLE001 - the parent runs on with its own outcome whatever happens here
        sender.send(None)
    finally:
        sender.close()


def second_lp_fits(first_lp_work: float, left: float | None) -> bool:
    """Whether a second LP, taken to need SECOND_LP_SLOWER times the first's work (``first_lp_work``),
    would leave its dive DIVE_TO_LP times as long of what is ``left`` of the budget."""
    return left is None or first_lp_work * SECOND_LP_SLOWER * (1 + DIVE_TO_LP) <= left


def side_by_side(
    roster_model: RosterModel,
    budget: float | None,
    *,
    processes: int,
    deterministic: bool = False,
    stopped: Callable[[], bool] = lambda: False,
) -> tuple[Outcome | None, float]:
    """Column generation and dives, two side by side with two processes; (the outcome with the cheapest
    complete dive, else this process's; the budget this process used).

    The first LP (GLOP as LP_SETTINGS) prices its cadres in threads, one per process. With one process
    (or without fork) it is then dived at least a twentieth of the cadres left a step
    (FIRST_DIVE_SHARE), and that is all. With two, a forked process dives it so, while this one
    generates a second LP (SECOND_LP_SETTINGS, from scratch) and dives that fixing at least a tenth
    of the cadres left a step; where the second LP would not fit its share of
    the time left (:func:`second_lp_fits`) or does not end in it, this process dives the first LP
    that way instead.
    """
    first = ColumnGeneration(roster_model, budget, deterministic=deterministic, stopped=stopped)
    two = processes >= 2 and "fork" in multiprocessing.get_all_start_methods()
    lp = first.lp(threads=min(max(processes, 1), PRICING_THREADS))
    if lp is None or lp.abandoned or stopped():
        return lp, first.used()
    if not two:
        return first.dive(lp, FIRST_DIVE_SHARE), first.used()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # forked after the first LP's threads have ended
    child: BaseProcess = context.Process(
        target=_dive_in_child, args=(first, lp, FIRST_DIVE_SHARE, sender), daemon=True
    )
    child.start()
    sender.close()
    try:
        own = _second_dive(first, lp, budget, deterministic=deterministic, stopped=stopped)
        outcomes: list[Outcome | None] = [own]
        # the child keeps the same budget; a little more for its last LP and the pickling
        patience = None if budget is None or deterministic else max(budget - first.used(), 0.0) + CHILD_GRACE
        if not stopped() and receiver.poll(patience):
            outcomes.insert(0, receiver.recv())  # first, so that it is kept on a tie
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()
    complete = [outcome for outcome in outcomes if outcome is not None and outcome.dive_complete]
    best = own
    if complete:
        best = min(complete, key=lambda outcome: outcome.value)  # the first LP's dive on a tie
        logger.info(
            "column generation: dives side by side gave %s; kept the one from GLOP settings %r, fixing %s a step",
            ", ".join(f"{outcome.value:g}" for outcome in complete),
            best.lp_settings,
            f"at least {best.dive_share:g} of the cadres left" if best.dive_share else "one cadre",
        )
    return best, first.used()


def _second_dive(
    first: ColumnGeneration,
    lp: Outcome,
    budget: float | None,
    *,
    deterministic: bool,
    stopped: Callable[[], bool],
) -> Outcome:
    """This process's side of :func:`side_by_side` (see there): its dive. The first generation's work
    counter takes the second's work, so that ``first.used()`` is this process's, in work too."""
    left = None if budget is None else budget - first.used()
    if not second_lp_fits(first.used(), left):
        return first.dive(lp, SECOND_DIVE_SHARE)
    second = ColumnGeneration(
        first.roster_model, left, deterministic=deterministic, stopped=stopped, lp_settings=SECOND_LP_SETTINGS
    )
    second_lp = second.lp()
    outcome = None
    if second_lp is not None and not second_lp.abandoned and not stopped():
        outcome = second.dive(second_lp, SECOND_DIVE_SHARE)
    first.counter.add(second.counter.labels)
    if outcome is not None:
        return outcome
    logger.info("column generation: the second LP did not end in its share; the first is dived again")
    return first.dive(lp, SECOND_DIVE_SHARE)
