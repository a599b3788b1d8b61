"""The compiled inner loops of the pricing labelling (see scheduler.column_generation.CadrePricer).

The labelling extends every label of a day by every choice of the next; in
pure Python that was about 2.5 µs per label, 95 % of the column generation's
time (BENCHMARKS.md, ninth session). These loops are compiled with numba and
work on arrays: choice 0 is a day off, choice k > 0 the k-th shift of the
cadre; a run state is an index into the automaton's transition table. They
hold no rule of their own: every test they make is handed to them as an array.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.typed import Dict

REDUCED_COST_EPSILON = 1e-6  # a column must beat its threshold by this much
TIE = 1e-9  # a label replaces an equal one only if cheaper by this much (the first found stays)


@njit(cache=True, nogil=True)
def completion_costs(next_state: np.ndarray, reduced: np.ndarray, day_open: np.ndarray) -> np.ndarray:
    """least[d, s]: the least reduced cost of days d.. from run state s, the run rules alone kept."""
    days, choices = reduced.shape
    states = next_state.shape[0]
    least = np.zeros((days + 1, states))
    for day in range(days - 1, -1, -1):
        for state in range(states):
            best = np.inf
            for choice in range(choices):
                after = next_state[state, choice]
                if after >= 0 and day_open[day, choice]:
                    value = reduced[day, choice] + least[day + 1, after]
                    if value < best:
                        best = value
            least[day, state] = best
    return least


@njit(cache=True, nogil=True)
def extend_day(
    states: np.ndarray,
    minutes: np.ndarray,
    weekends: np.ndarray,
    counts: np.ndarray,
    reduced_so_far: np.ndarray,
    cost_so_far: np.ndarray,
    next_state: np.ndarray,
    last_shift: np.ndarray,
    day_open: np.ndarray,
    day_minutes: np.ndarray,
    day_reduced: np.ndarray,
    day_cost: np.ndarray,
    day_clash: np.ndarray,
    closing: int,
    need: int,
    most_minutes: int,
    most_weekends: int,
    counted_position: np.ndarray,
    count_limits: np.ndarray,
    completion: np.ndarray,
    threshold: float,
    minutes_radix: int,
    weekends_radix: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The labels of the next day: each label of today extended by each choice that keeps the rules.

    A label is (run state, minutes, weekends, counts of the counted shifts); of two equal labels the
    one of least reduced cost stays (the first found on a tie). Returns the new labels' arrays and,
    for each, the index of the label it came from and the choice made.
    """
    size = states.shape[0]
    choices = day_reduced.shape[0]
    counted = counts.shape[1]
    capacity = size * choices
    new_states = np.empty(capacity, np.int64)
    new_minutes = np.empty(capacity, np.int64)
    new_weekends = np.empty(capacity, np.int64)
    new_counts = np.zeros((capacity, counted), np.int64)
    new_reduced = np.empty(capacity)
    new_cost = np.empty(capacity)
    parent = np.empty(capacity, np.int64)
    choice_made = np.empty(capacity, np.int64)
    found = Dict.empty(key_type=types.int64, value_type=types.int64)
    made = 0
    for label in range(size):
        state = states[label]
        last = last_shift[state]  # 0 unless the day before was worked
        for choice in range(choices):
            if not day_open[choice]:
                continue
            after = next_state[state, choice]
            if after < 0:
                continue
            total_minutes = minutes[label]
            position = -1
            if choice > 0:
                if last > 0 and day_clash[last, choice]:
                    continue
                total_minutes += day_minutes[choice]
                if total_minutes > most_minutes:
                    continue
                position = counted_position[choice]
                if position >= 0 and counts[label, position] >= count_limits[position]:
                    continue
            if total_minutes < need:
                continue
            total_weekends = weekends[label]
            if closing > 0 and (choice > 0 or (closing == 2 and last > 0)):
                total_weekends += 1
                if total_weekends > most_weekends:
                    continue
            total = reduced_so_far[label] + day_reduced[choice]
            if total + completion[after] >= threshold - REDUCED_COST_EPSILON:
                continue
            key = (after * minutes_radix + total_minutes) * weekends_radix + total_weekends
            for slot in range(counted):
                key = key * (count_limits[slot] + 1) + counts[label, slot] + (1 if slot == position else 0)
            if key in found:
                at = found[key]
                if total >= new_reduced[at] - TIE:
                    continue
            else:
                at = made
                made += 1
                found[key] = at
                new_states[at] = after
                new_minutes[at] = total_minutes
                new_weekends[at] = total_weekends
                for slot in range(counted):
                    new_counts[at, slot] = counts[label, slot] + (1 if slot == position else 0)
            new_reduced[at] = total
            new_cost[at] = cost_so_far[label] + day_cost[choice]
            parent[at] = label
            choice_made[at] = choice
    return (
        new_states[:made],
        new_minutes[:made],
        new_weekends[:made],
        new_counts[:made],
        new_reduced[:made],
        new_cost[:made],
        parent[:made],
        choice_made[:made],
    )
