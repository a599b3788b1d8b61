"""The compiled labelling loops against a plain-Python reading of the same rule.

The pricer's tests (tests/test_column_generation.py) compare whole rosters with brute force; these
check the loops themselves on random labels: the label table (which keeps, of labels with the same
key, the first cheapest and must grow past its first size) and the calls over several days, which
must give what day-by-day calls give.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from scheduler.search.columns.labelling import REDUCED_COST_EPSILON, TIE, extend_day, extend_days

STATES = 5
CHOICES = 3  # a day off and two shifts
MOST_MINUTES = 40
MOST_WEEKENDS = 3


def random_day(generator: random.Random) -> dict[str, np.ndarray | int]:
    """One day's arrays as the pricer hands them over: shifts open, minutes, costs, clashes."""
    day_open = np.array([True] + [generator.random() < 0.8 for _ in range(CHOICES - 1)])
    return {
        "day_open": day_open,
        "day_minutes": np.array([0] + [generator.choice([4, 8]) for _ in range(CHOICES - 1)], np.int64),
        "day_reduced": np.array([generator.choice([-2.0, -1.0, 0.0, 0.5, 1.0]) for _ in range(CHOICES)]),
        "day_cost": np.array([generator.choice([0.0, 1.0]) for _ in range(CHOICES)]),
        "day_clash": np.array([[generator.random() < 0.2 for _ in range(CHOICES)] for _ in range(CHOICES)]),
        "closing": generator.choice([0, 0, 0, 1, 2]),
        "need": generator.choice([-100, 0, 4]),
    }


def random_automaton(generator: random.Random) -> tuple[np.ndarray, np.ndarray]:
    next_state = np.array([[generator.randrange(-1, STATES) for _ in range(CHOICES)] for _ in range(STATES)], np.int64)
    next_state[:, 0] = np.maximum(next_state[:, 0], 0)  # a day off always allowed: labels never all die
    last_shift = np.array([generator.randrange(CHOICES) for _ in range(STATES)], np.int64)
    return next_state, last_shift


def reference_extend(labels: list[tuple], automaton: tuple[np.ndarray, np.ndarray], day: dict, counted: dict) -> list:
    """Each label extended by each choice the rules allow, in the same order; of labels with the same
    (state, minutes, weekends, counts) the first of least reduced cost stays (ties within TIE keep the
    first). A label is (state, minutes, weekends, counts, reduced, cost, parent, choice)."""
    next_state, last_shift = automaton
    kept: dict[tuple, list] = {}
    for parent, (state, minutes, weekends, counts, reduced, cost, *_) in enumerate(labels):
        last = last_shift[state]
        for choice in range(CHOICES):
            after = next_state[state, choice]
            if not day["day_open"][choice] or after < 0:
                continue
            total_minutes, new_counts = minutes, list(counts)
            if choice > 0:
                if last > 0 and day["day_clash"][last, choice]:
                    continue
                total_minutes += day["day_minutes"][choice]
                if total_minutes > MOST_MINUTES:
                    continue
                if choice in counted["positions"]:
                    slot = counted["positions"][choice]
                    if counts[slot] >= counted["limits"][slot]:
                        continue
                    new_counts[slot] += 1
            if total_minutes < day["need"]:
                continue
            total_weekends = weekends
            if day["closing"] > 0 and (choice > 0 or (day["closing"] == 2 and last > 0)):
                total_weekends += 1
                if total_weekends > MOST_WEEKENDS:
                    continue
            total = reduced + day["day_reduced"][choice]
            if total + day["completion"][after] >= day["threshold"] - REDUCED_COST_EPSILON:
                continue
            key = (int(after), int(total_minutes), int(total_weekends), tuple(new_counts))
            if key in kept and total >= kept[key][4] - TIE:
                continue
            kept[key] = [*key, total, cost + day["day_cost"][choice], parent, choice]
    return [tuple(label) for label in kept.values()]  # dicts keep the order of first insertion


def as_arrays(labels: list[tuple], counted: int) -> tuple[np.ndarray, ...]:
    return (
        np.array([label[0] for label in labels], np.int64),
        np.array([label[1] for label in labels], np.int64),
        np.array([label[2] for label in labels], np.int64),
        np.array([label[3] for label in labels], np.int64).reshape(len(labels), counted),
        np.array([label[4] for label in labels], float),
        np.array([label[5] for label in labels], float),
    )


def compiled_extend(labels: list[tuple], automaton: tuple[np.ndarray, np.ndarray], day: dict, counted: dict) -> list:
    positions = np.full(CHOICES, -1, np.int64)
    for choice, slot in counted["positions"].items():
        positions[choice] = slot
    limits = np.array(counted["limits"], np.int64)
    result = extend_day(
        *as_arrays(labels, len(limits)),
        *automaton,
        day["day_open"],
        day["day_minutes"],
        day["day_reduced"],
        day["day_cost"],
        day["day_clash"],
        day["closing"],
        day["need"],
        MOST_MINUTES,
        MOST_WEEKENDS,
        positions,
        limits,
        day["completion"],
        day["threshold"],
        MOST_MINUTES + 1,
        MOST_WEEKENDS + 1,
    )
    states, minutes, weekends, counts, reduced, cost, parent, choice = result
    return [
        (
            int(states[at]),
            int(minutes[at]),
            int(weekends[at]),
            tuple(int(c) for c in counts[at]),
            float(reduced[at]),
            float(cost[at]),
            int(parent[at]),
            int(choice[at]),
        )
        for at in range(len(states))
    ]


def random_labels(generator: random.Random, size: int, counted: int) -> list[tuple]:
    return [
        (
            generator.randrange(STATES),
            generator.randrange(0, 30),
            generator.randrange(0, 3),
            tuple(generator.randrange(0, 2) for _ in range(counted)),
            generator.choice([-1.0, 0.0, 1.0, 2.5]),
            float(generator.randrange(3)),
            -1,
            -1,
        )
        for _ in range(size)
    ]


@pytest.mark.parametrize("seed", range(30))
def test_a_day_of_labels_matches_the_plain_reading(seed: int) -> None:
    generator = random.Random(seed)
    automaton = random_automaton(generator)
    counted = {"positions": {2: 0}, "limits": [1]} if seed % 2 else {"positions": {}, "limits": []}
    # up to 400 labels: many more new labels than the table's first 16 slots, so that it grows
    labels = random_labels(generator, generator.choice([1, 7, 400]), len(counted["limits"]))
    day = random_day(generator)
    day["completion"] = np.array([generator.choice([-1.0, 0.0, 1.0]) for _ in range(STATES)])
    day["threshold"] = generator.choice([math.inf, 2.0, 0.5])

    expected = reference_extend(labels, automaton, day, counted)

    got = compiled_extend(labels, automaton, day, counted)
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine[:4] == theirs[:4] and mine[6:] == theirs[6:]
        assert mine[4:6] == pytest.approx(theirs[4:6])
    if len(labels) == 400:
        assert len(got) > 8, "enough new labels to make the table grow"


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize(("first_day", "end_day"), [(0, 11), (3, 9), (0, 1)])
def test_several_days_a_call_match_one_day_a_call(seed: int, first_day: int, end_day: int) -> None:
    generator = random.Random(seed)
    next_state, last_shift = random_automaton(generator)
    days = 11
    drawn = [random_day(generator) for _ in range(days)]
    stacked = {name: np.array([day[name] for day in drawn]) for name in drawn[0]}
    completion = np.array([[generator.choice([-1.0, 0.0]) for _ in range(STATES)] for _ in range(days + 1)])
    threshold = generator.choice([math.inf, 3.0])
    positions = np.array([-1, -1, 0], np.int64)
    limits = np.array([3], np.int64)
    start = as_arrays(random_labels(generator, 5, 1), 1)
    common = (MOST_MINUTES, MOST_WEEKENDS, positions, limits)
    radices = (MOST_MINUTES + 1, MOST_WEEKENDS + 1)

    # day by day, as the pricer once called it
    labels, trail, extended = start, [], 0
    for day in range(first_day, end_day):
        extended += len(labels[0])
        *labels, parent, choice = extend_day(
            *labels,
            next_state,
            last_shift,
            *(
                stacked[name][day]
                for name in ("day_open", "day_minutes", "day_reduced", "day_cost", "day_clash", "closing", "need")
            ),
            *common,
            completion[day + 1],
            threshold,
            *radices,
        )
        trail.append((parent, choice))
        if len(labels[0]) == 0:
            break

    *final, trail_parent, trail_choice, trail_start, counted_labels = extend_days(
        first_day,
        end_day,
        *start,
        next_state,
        last_shift,
        *(
            stacked[name]
            for name in ("day_open", "day_minutes", "day_reduced", "day_cost", "day_clash", "closing", "need")
        ),
        *common,
        completion,
        threshold,
        *radices,
    )
    assert counted_labels == extended
    assert len(trail_start) == len(trail) + 1
    for mine, theirs in zip(final, labels, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    for done, (parent, choice) in enumerate(trail):
        np.testing.assert_array_equal(trail_parent[trail_start[done] : trail_start[done + 1]], parent)
        np.testing.assert_array_equal(trail_choice[trail_start[done] : trail_start[done + 1]], choice)
