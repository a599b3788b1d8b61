"""The compiled inner loops of the pricing labelling (see scheduler.search.columns.generation.CadrePricer).

The labelling extends every label of a day by every choice of the next; in
pure Python that was about 2.5 µs per label, 95 % of the column generation's
time (BENCHMARKS.md, ninth session). These loops are compiled with numba and
work on arrays: choice 0 is a day off, choice k > 0 the k-th shift of the
cadre; a run state is an index into the automaton's transition table. They
hold no rule of their own: every test they make is handed to them as an array.
"""

from __future__ import annotations

import numpy as np
from numba import njit

REDUCED_COST_EPSILON = 1e-6  # a column must beat its threshold by this much
TIE = 1e-9  # a label replaces an equal one only if cheaper by this much (the first found stays)
EMPTY = -1  # a free slot of the label table (keys are never negative)


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


@njit(cache=True, nogil=True, inline="always")
def _slot(table_keys: np.ndarray, key: int) -> np.int64:
    """The slot of ``key`` in an open-addressing table of a power of two slots, or the free slot where
    it would go. Numba's typed Dict made the labelling 1.65 times slower (BENCHMARKS.md, thirteenth
    session)."""
    mask = table_keys.shape[0] - 1
    mixed = np.uint64(key)
    mixed = (mixed ^ (mixed >> np.uint64(33))) * np.uint64(0xFF51AFD7ED558CCD)
    mixed = mixed ^ (mixed >> np.uint64(33))
    slot = np.int64(mixed & np.uint64(mask))
    while table_keys[slot] != EMPTY and table_keys[slot] != key:
        slot = (slot + 1) & mask
    return slot


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
    table_size = 16
    while table_size < 2 * size:
        table_size *= 2
    table_keys = np.full(table_size, EMPTY, np.int64)
    table_at = np.empty(table_size, np.int64)  # the new label a key stands for
    made_keys = np.empty(capacity, np.int64)
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
            slot_at = _slot(table_keys, key)
            if table_keys[slot_at] == key:
                at = table_at[slot_at]
                if total >= new_reduced[at] - TIE:
                    continue
            else:
                at = made
                made += 1
                table_keys[slot_at] = key
                table_at[slot_at] = at
                made_keys[at] = key
                if 2 * made > table_size:  # keep the table at most half full
                    table_size *= 2
                    table_keys = np.full(table_size, EMPTY, np.int64)
                    table_at = np.empty(table_size, np.int64)
                    for old in range(made):
                        moved = _slot(table_keys, made_keys[old])
                        table_keys[moved] = made_keys[old]
                        table_at[moved] = old
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


@njit(cache=True, nogil=True)
def extend_days(
    first_day: int,
    end_day: int,
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
    reduced: np.ndarray,
    day_cost: np.ndarray,
    day_clash: np.ndarray,
    closing: np.ndarray,
    need: np.ndarray,
    most_minutes: int,
    most_weekends: int,
    counted_position: np.ndarray,
    count_limits: np.ndarray,
    completion: np.ndarray,
    threshold: float,
    minutes_radix: int,
    weekends_radix: int,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int
]:
    """:func:`extend_day` over days ``first_day`` to ``end_day`` (excluded), stopping early once no
    label is left; the per-day arrays are indexed by day, ``completion`` by day too (its row d is
    the least cost of days d..). One call for several days: called a day at a time, the call itself
    cost as much as the labelling on the benchmark (BENCHMARKS.md, thirteenth session).

    Returns the last day's labels, the trail of the days done (the parent of each new label and the
    choice made, all days one after another: day ``first_day + k`` is ``trail_start[k]`` to
    ``trail_start[k + 1]``) and the number of labels extended.
    """
    parents = []
    choices = []
    extended = 0
    for day in range(first_day, end_day):
        extended += states.shape[0]
        states, minutes, weekends, counts, reduced_so_far, cost_so_far, parent, choice_made = extend_day(
            states,
            minutes,
            weekends,
            counts,
            reduced_so_far,
            cost_so_far,
            next_state,
            last_shift,
            day_open[day],
            day_minutes[day],
            reduced[day],
            day_cost[day],
            day_clash[day],
            closing[day],
            need[day],
            most_minutes,
            most_weekends,
            counted_position,
            count_limits,
            completion[day + 1],
            threshold,
            minutes_radix,
            weekends_radix,
        )
        parents.append(parent)
        choices.append(choice_made)
        if states.shape[0] == 0:
            break
    trail_start = np.zeros(len(parents) + 1, np.int64)
    for done in range(len(parents)):
        trail_start[done + 1] = trail_start[done] + parents[done].shape[0]
    trail_parent = np.empty(trail_start[-1], np.int64)
    trail_choice = np.empty(trail_start[-1], np.int64)
    for done in range(len(parents)):
        trail_parent[trail_start[done] : trail_start[done + 1]] = parents[done]
        trail_choice[trail_start[done] : trail_start[done + 1]] = choices[done]
    return (
        states,
        minutes,
        weekends,
        counts,
        reduced_so_far,
        cost_so_far,
        trail_parent,
        trail_choice,
        trail_start,
        extended,
    )
