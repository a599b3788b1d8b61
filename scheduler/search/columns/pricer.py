"""The labelling driver: a cadre's cheapest roster under the master LP's duals (:class:`CadrePricer`).

The compiled inner loops are in :mod:`scheduler.search.columns.labelling`;
this module builds the run-state automaton and the arrays they read, calls
them a few days at a time (checking for a stop between calls), and turns
the best label back into a roster.
"""

from __future__ import annotations

import functools
import itertools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from scheduler.search.columns.labelling import completion_costs, extend_days
from scheduler.search.columns.problems import OFF, CadreProblem, CadreRules, Choice, Column, RunState
from scheduler.search.settings import SETTINGS


@dataclass(frozen=True)
class Priced:
    reduced_cost: float  # without the convexity dual
    cost: float  # the column's own part of the objective: the cadre's requests (weighted)
    days: Column
    checkpoints: tuple[str | None, ...]  # the checkpoint of each day's duty



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
        days_per_call: int = SETTINGS.days_per_call,
    ) -> None:
        self.problem = problem
        self.days_per_call = days_per_call
        self.rules = problem.rules
        self.counter = counter or WorkCounter()
        self.should_stop = should_stop  # asked every days_per_call days of the labelling: labels can be many
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

        Each call starts with no count in the labels: counts carried from earlier calls made an
        LP of 50 cadres over 4 weeks 5.5 times slower (BENCHMARKS.md, ninth session).
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
        for first_day in range(0, problem.days, self.days_per_call):
            *labels, trail_parent, trail_choice, trail_start, extended_now = compiled(
                first_day,
                min(first_day + self.days_per_call, problem.days),
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

