"""Composing the roster file: shortfall reasons within the time limit."""

from __future__ import annotations

import time
from pathlib import Path

from models.loading import load_instance
from scheduler.compose.roster import NOT_EXPLAINED, compose_roster
from scheduler.solver import SolveOptions, solve

TINY = Path(__file__).resolve().parents[1] / "instances" / "tiny.json"


def test_reasons_are_given_until_the_deadline_and_marked_after_it() -> None:
    # tiny.json leaves skill shortfalls in every roster (too few medics): with no deadline each has
    # a reason in words; with a deadline already past, each says it was not explained.
    instance = load_instance(TINY)
    options = SolveOptions(time_limit=5, workers=1, deterministic=True)
    result = solve(instance, options)
    explained = compose_roster(instance, "0" * 64, result, options)
    late = compose_roster(instance, "0" * 64, result, options, explain_until=time.monotonic() - 1)
    assert explained.shortfalls and len(late.shortfalls) == len(explained.shortfalls)
    assert all(item.reason and item.reason != NOT_EXPLAINED for item in explained.shortfalls)
    assert all(item.reason == NOT_EXPLAINED for item in late.shortfalls)
