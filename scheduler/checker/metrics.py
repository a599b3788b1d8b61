"""The ``roster.metrics`` dictionary, exactly as docs/SEMANTICS.md lists it."""

from __future__ import annotations

import math
from typing import Any

from scheduler.checker.context import Context, group_of
from scheduler.checker.coverage import Coverage
from scheduler.checker.objective import FAIRNESS_GROUPS
from scheduler.checker.rules import away_peaks
from scheduler.checker.timeline import RosterIndex, Timeline

LOAD_UNITS_PER_HOUR = 6000


def gini(values: list[float]) -> float:
    """Mean absolute difference over all ordered pairs / (2 * mean); 0 when the mean is 0."""
    count = len(values)
    if count == 0:
        return 0.0
    mean = sum(values) / count
    if mean == 0:
        return 0.0
    ordered = sorted(values)
    pair_sum = sum(value * (2 * position - count + 1) for position, value in enumerate(ordered))
    mean_difference = 2 * pair_sum / (count * count)
    return mean_difference / (2 * mean)


def coefficient_of_variation(values: list[float]) -> float:
    """Population standard deviation / mean; 0 when the mean is 0."""
    if not values:
        return 0.0
    mean = sum(values) / len(values)
    if mean == 0:
        return 0.0
    variance = sum((value - mean) ** 2 for value in values) / len(values)
    return math.sqrt(variance) / mean


def jain(values: list[float]) -> float:
    """(sum)^2 / (n * sum of squares); 1 when all are 0 (or there are none)."""
    squares = sum(value * value for value in values)
    if squares == 0:
        return 1.0
    return sum(values) ** 2 / (len(values) * squares)


def max_min(values: list[float]) -> float | None:
    if not values or min(values) == 0:
        return None
    return max(values) / min(values)


def _ratio(got: int, asked: int) -> float:
    return 1.0 if asked == 0 else got / asked


def _longest_run(flags: list[bool]) -> int:
    longest = current = 0
    for flag in flags:
        current = current + 1 if flag else 0
        longest = max(longest, current)
    return longest


def cadre_metrics(ctx: Context, timeline: Timeline, load: int | None) -> dict[str, Any]:
    facts = timeline.facts
    horizon_work = timeline.full.work[-timeline.lo:]
    weekend_days = {day for day in range(ctx.days) if ctx.weekday(day) in ("sat", "sun")}
    duty_minutes = sum(ctx.shift_minutes[duty.shift] for duty in timeline.duties)
    standby_minutes = sum(ctx.shift_minutes[entry.shift] for entry in timeline.standbys)
    return {
        "group": group_of(facts.cadre),
        "unit": facts.cadre.unit,
        "duty_shifts": len(timeline.duties),
        "duty_hours": duty_minutes / 60,
        "nights": sum(1 for duty in timeline.duties if ctx.shifts[duty.shift].night),
        "weekend_shifts": sum(1 for duty in timeline.duties if duty.day in weekend_days),
        "high_risk_shifts": sum(1 for duty in timeline.duties if ctx.checkpoints[duty.checkpoint].risk == "high"),
        "standby_shifts": len(timeline.standbys),
        "standby_hours": standby_minutes / 60,
        "days_off": sum(1 for flag in horizon_work if not flag),
        "longest_work_streak": _longest_run(horizon_work),
        "available_days": facts.available_days,
        "load": 0.0 if load is None else load / LOAD_UNITS_PER_HOUR,
    }


def compute_metrics(ctx: Context, roster: RosterIndex, timelines: dict[str, Timeline], coverage: Coverage,
                    loads: dict[str, int], at_limit: set[str]) -> dict[str, Any]:
    """The metrics dictionary (JSON-ready: str, int, float, None, dict)."""
    cadres = {cadre_id: cadre_metrics(ctx, timelines[cadre_id], loads.get(cadre_id)) for cadre_id in ctx.cadres}

    groups: dict[str, dict[str, Any]] = {}
    for group in FAIRNESS_GROUPS:
        members = [cadre_id for cadre_id, facts in ctx.cadres.items() if group_of(facts.cadre) == group]
        if not members:
            continue
        counted = [cadre_id for cadre_id in members if ctx.cadres[cadre_id].available_days > 0]
        values = [cadres[cadre_id]["load"] for cadre_id in counted]
        groups[group] = {
            "cadres": len(counted),
            "gini": gini(values),
            "cv": coefficient_of_variation(values),
            "max_min": max_min(values),
            "jain": jain(values),
            "at_limit": sum(1 for cadre_id in members if cadre_id in at_limit),
            "mean_load": sum(values) / len(values) if values else 0.0,
        }

    with_unit = [cadre_id for cadre_id, facts in ctx.cadres.items() if facts.cadre.unit is not None]
    all_unit_hours = sum(cadres[cadre_id]["duty_hours"] for cadre_id in with_unit)
    units: dict[str, dict[str, Any]] = {}
    for unit_id, unit in ctx.units.items():
        members = ctx.unit_members.get(unit_id, [])
        unit_hours = sum(cadres[cadre_id]["duty_hours"] for cadre_id in members)
        peaks = away_peaks(ctx, unit_id, timelines)
        units[unit_id] = {
            "cadres": len(members),
            "duty_hours": unit_hours,
            "duty_share": unit_hours / all_unit_hours if all_unit_hours else 0.0,
            "cadre_share": len(members) / len(with_unit) if with_unit else 0.0,
            "most_away": max((count for _, count, _ in peaks), default=0),
            "max_away": unit.max_away,
        }

    community_of = {checkpoint_id: checkpoint.community for checkpoint_id, checkpoint in ctx.checkpoints.items()}
    # [persons got, persons asked (min), target got, target asked, shortfalls, skills got, skills asked]
    # by ("checkpoint"|"community"|"total", id). Skills are part of the minimum (DESIGN.md section 3).
    tallies: dict[tuple[str, str], list[int]] = {}
    for cell in coverage.cells:
        skills_asked = sum(cell.rule.skills.values())
        skills_got = skills_asked - sum(cell.skills_missing.values())
        for name in (("checkpoint", cell.checkpoint), ("community", community_of[cell.checkpoint]), ("total", "")):
            tally = tallies.setdefault(name, [0, 0, 0, 0, 0, 0, 0])
            tally[0] += min(cell.assigned, cell.rule.min)
            tally[1] += cell.rule.min
            tally[2] += min(cell.assigned, cell.rule.target)
            tally[3] += cell.rule.target
            tally[4] += 1 if cell.short else 0
            tally[5] += skills_got
            tally[6] += skills_asked
    standby_tallies: dict[tuple[str, str], list[int]] = {}
    for standby_cell in coverage.standby_cells:
        for name in (("community", standby_cell.community), ("total", "")):
            tally = standby_tallies.setdefault(name, [0, 0, 0])
            tally[0] += min(standby_cell.rostered, standby_cell.wanted)
            tally[1] += standby_cell.wanted
            tally[2] += 1 if standby_cell.rostered < standby_cell.wanted else 0
    empty = [0, 0, 0, 0, 0, 0, 0]

    def coverage_of(name: tuple[str, str]) -> dict[str, Any]:
        tally = tallies.get(name, empty)
        return {"min_coverage": _ratio(tally[0] + tally[5], tally[1] + tally[6]),
                "person_coverage": _ratio(tally[0], tally[1]), "skill_coverage": _ratio(tally[5], tally[6]),
                "target_coverage": _ratio(tally[2], tally[3]), "shortfalls": tally[4]}

    checkpoints = {checkpoint_id: coverage_of(("checkpoint", checkpoint_id)) for checkpoint_id in ctx.checkpoints}
    communities = {}
    for community in ctx.communities:
        figures = coverage_of(("community", community))
        standby_tally = standby_tallies.get(("community", community), [0, 0, 0])
        communities[community] = {"min_coverage": figures["min_coverage"],
                                  "person_coverage": figures["person_coverage"],
                                  "skill_coverage": figures["skill_coverage"],
                                  "target_coverage": figures["target_coverage"],
                                  "standby_coverage": _ratio(standby_tally[0], standby_tally[1]),
                                  "shortfalls": figures["shortfalls"]}
    total = coverage_of(("total", ""))
    standby_total = standby_tallies.get(("total", ""), [0, 0, 0])
    totals = {
        "min_coverage": total["min_coverage"],
        "person_coverage": total["person_coverage"],
        "skill_coverage": total["skill_coverage"],
        "target_coverage": total["target_coverage"],
        "standby_coverage": _ratio(standby_total[0], standby_total[1]),
        "shortfalls": total["shortfalls"],
        "standby_shortfalls": standby_total[2],
        "duty_hours": sum(metrics["duty_hours"] for metrics in cadres.values()),
    }
    return {"cadres": cadres, "groups": groups, "units": units, "communities": communities,
            "checkpoints": checkpoints, "totals": totals}
