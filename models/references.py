"""Checks that need the whole instance: unique ids, references, overlapping demand rules.

Each problem is an :class:`Issue` naming its JSON path (``cadres[3].unit``) and
saying in a plain sentence what is wrong, so that every problem of a file is
listed at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from models.instance import Checkpoint, DemandRule, Instance, Rules

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Issue:
    """One problem of an input file: where it is and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def json_path(parts: Iterable[object]) -> str:
    """``("cadres", 3, "unit")`` -> ``cadres[3].unit``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _duplicates(kind: str, ids: Sequence[str]) -> list[Issue]:
    issues = []
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            issues.append(Issue(f"{kind}[{index}].id", f"duplicate {kind[:-1]} id {item_id!r}"))
        seen.add(item_id)
    return issues


def _unknown(path: str, what: str, value: str, known: set[str]) -> Issue | None:
    if value in known:
        return None
    return Issue(path, f"unknown {what} {value!r}")


def _rules_issues(path: str, rules: Rules, shift_ids: set[str]) -> list[Issue]:
    issues = []
    for shift_id in rules.max_shifts_by_type or {}:
        issue = _unknown(f"{path}.max_shifts_by_type.{shift_id}", "shift", shift_id, shift_ids)
        if issue:
            issues.append(issue)
    for index, pair in enumerate(rules.forbidden_successions or []):
        for position, shift_id in enumerate(pair):
            issue = _unknown(f"{path}.forbidden_successions[{index}][{position}]", "shift", shift_id, shift_ids)
            if issue:
                issues.append(issue)
    return issues


def reference_issues(instance: Instance) -> list[Issue]:
    """Every duplicate id, dangling reference and overlapping demand rule of ``instance``."""
    issues: list[Issue] = []
    shift_ids = {shift.id for shift in instance.shifts}
    community_ids = {community.id for community in instance.communities}
    unit_ids = {unit.id for unit in instance.units}
    issues += _duplicates("shifts", [shift.id for shift in instance.shifts])
    issues += _duplicates("communities", [community.id for community in instance.communities])
    issues += _duplicates("checkpoints", [checkpoint.id for checkpoint in instance.checkpoints])
    issues += _duplicates("units", [unit.id for unit in instance.units])
    issues += _duplicates("cadres", [cadre.id for cadre in instance.cadres])
    start = instance.horizon.start

    for index, checkpoint in enumerate(instance.checkpoints):
        base = f"checkpoints[{index}]"
        issue = _unknown(f"{base}.community", "community", checkpoint.community, community_ids)
        if issue:
            issues.append(issue)
        for rule_index, rule in enumerate(checkpoint.demand):
            for shift_index, shift_id in enumerate(rule.shifts or []):
                issue = _unknown(f"{base}.demand[{rule_index}].shifts[{shift_index}]", "shift", shift_id, shift_ids)
                if issue:
                    issues.append(issue)
        issues += _overlapping_demand(base, checkpoint, instance)

    issues += _rules_issues("rules", instance.rules, shift_ids)

    for index, cadre in enumerate(instance.cadres):
        base = f"cadres[{index}]"
        if cadre.unit is not None:
            issue = _unknown(f"{base}.unit", "unit", cadre.unit, unit_ids)
            if issue:
                issues.append(issue)
        for position, community_id in enumerate(cadre.communities):
            issue = _unknown(f"{base}.communities[{position}]", "community", community_id, community_ids)
            if issue:
                issues.append(issue)
        for position, entry in enumerate(cadre.unavailable):
            for shift_index, shift_id in enumerate(entry.shifts or []):
                issue = _unknown(f"{base}.unavailable[{position}].shifts[{shift_index}]", "shift", shift_id, shift_ids)
                if issue:
                    issues.append(issue)
        for position, request in enumerate(cadre.requests):
            if request.shift is not None:
                issue = _unknown(f"{base}.requests[{position}].shift", "shift", request.shift, shift_ids)
                if issue:
                    issues.append(issue)
        for position, worked in enumerate(cadre.history):
            issue = _unknown(f"{base}.history[{position}].shift", "shift", worked.shift, shift_ids)
            if issue:
                issues.append(issue)
            if worked.date >= start:
                issues.append(
                    Issue(
                        f"{base}.history[{position}].date",
                        f"history date {worked.date.isoformat()} of cadre {cadre.id!r} must be before the "
                        f"horizon start {start.isoformat()}",
                    )
                )
        if cadre.limits is not None:
            issues += _rules_issues(f"{base}.limits", cadre.limits, shift_ids)

    for index, override in enumerate(instance.standby.overrides):
        base = f"standby.overrides[{index}]"
        if override.community is not None:
            issue = _unknown(f"{base}.community", "community", override.community, community_ids)
            if issue:
                issues.append(issue)
        for shift_index, shift_id in enumerate(override.shifts or []):
            issue = _unknown(f"{base}.shifts[{shift_index}]", "shift", shift_id, shift_ids)
            if issue:
                issues.append(issue)
    return issues


def _rule_matches(rule: DemandRule, when: date, shift_id: str) -> bool:
    """Whether a demand rule matches a date and shift (DESIGN.md section 3), for this validation alone."""
    if rule.shifts is not None and shift_id not in rule.shifts:
        return False
    return (not rule.weekdays and not rule.dates) or _WEEKDAYS[when.weekday()] in rule.weekdays or when in rule.dates


def _overlapping_demand(base: str, checkpoint: Checkpoint, instance: Instance) -> list[Issue]:
    """Two rules of the same kind (dated or undated) matching one day and shift of the horizon."""
    checkpoint_id = checkpoint.id
    issues: list[Issue] = []
    reported: set[tuple[int, int]] = set()
    horizon = instance.horizon
    for day in (horizon.start + timedelta(days=offset) for offset in range(horizon.days)):
        for shift in instance.shifts:
            for dated in (False, True):
                matching = [
                    index
                    for index, rule in enumerate(checkpoint.demand)
                    if bool(rule.dates) == dated and _rule_matches(rule, day, shift.id)
                ]
                for first, second in zip(matching, matching[1:], strict=False):
                    if (first, second) in reported:
                        continue
                    reported.add((first, second))
                    issues.append(
                        Issue(
                            f"{base}.demand[{second}]",
                            f"demand rules {first} and {second} of checkpoint {checkpoint_id!r} both match "
                            f"{day.isoformat()} shift {shift.id!r}; rules of the same kind may not overlap",
                        )
                    )
    return issues
