"""Standby callability, judged literally (DESIGN.md section 3, Standby substitutes).

Each standby shift alone is turned into a duty at an eligible checkpoint of
its community (a checkpoint with a demand rule matching the date and shift,
not high-risk for a vulnerable cadre; demand ``max`` ignored) and the cadre's
rules and its unit's ``max_away`` are run again on that changed roster. The
standby is callable when the change breaks nothing that the roster did not
already break. Which eligible checkpoint is chosen does not matter for the
rules: they depend on the checkpoint only through eligibility.
"""

from __future__ import annotations

from scheduler.checker.context import CheckedCadre, Context
from scheduler.checker.findings import Finding
from scheduler.checker.rules import CADRE_RULES, cadre_findings, max_away
from scheduler.checker.timeline import DutyEntry, StandbyEntry, Timeline, build_timeline


def eligible_checkpoints(ctx: Context, facts: CheckedCadre, community: str, day: int, shift_id: str) -> list[str]:
    """Checkpoints of ``community`` where the cadre could take over that standby as a duty."""
    if community not in facts.cadre.communities:
        return []
    return [
        checkpoint_id
        for checkpoint_id in ctx.community_cells.get((community, day, shift_id), [])
        if not (facts.cadre.vulnerable and ctx.checkpoints[checkpoint_id].risk == "high")
    ]


def as_duty(ctx: Context, timeline: Timeline, entry: StandbyEntry, checkpoint_id: str) -> Timeline:
    """The cadre's timeline with only ``entry`` turned into a duty at ``checkpoint_id``."""
    standbys = [other for other in timeline.standbys if other is not entry]
    duties = sorted([*timeline.duties, DutyEntry(entry.day, entry.shift, checkpoint_id)],
                    key=lambda duty: (duty.day, ctx.shift_order.index(duty.shift)))
    return build_timeline(ctx, timeline.facts, duties, standbys)


def _away_intervals(timeline: Timeline) -> list[tuple[int, int]]:
    """The roster's duty and standby intervals: all that max_away looks at (a standby turned into a duty
    keeps them, so the unit check can only change when a shift is added)."""
    return sorted((period.start, period.end) for period in timeline.periods if period.is_shift and not period.fixed)


def new_findings(ctx: Context, timeline: Timeline, changed: Timeline, known: set[tuple[object, ...]],
                 timelines: dict[str, Timeline]) -> list[Finding]:
    """Roster faults of ``changed`` (the cadre's rules and its unit's max_away) not among ``known``."""
    found, _ = cadre_findings(ctx, changed, CADRE_RULES)
    unit_id = timeline.facts.cadre.unit
    if (unit_id is not None and unit_id in ctx.units and ctx.units[unit_id].max_away is not None
            and _away_intervals(timeline) != _away_intervals(changed)):
        days = {entry.day for entry in changed.duties} ^ {entry.day for entry in timeline.duties}
        days |= {entry.day for entry in changed.standbys} ^ {entry.day for entry in timeline.standbys}
        if days:
            first, last = min(days) - 1, max(days) + 2
            swapped = {**timelines, timeline.facts.id: changed}
            before = {finding.identity for finding in max_away(ctx, unit_id, timelines, range(first, last))}
            found.extend(finding for finding in max_away(ctx, unit_id, swapped, range(first, last))
                         if finding.identity not in before)
    return [finding for finding in found if not finding.fixed_only and finding.identity not in known]


def standby_callable(ctx: Context, timeline: Timeline, entry: StandbyEntry, known: set[tuple[object, ...]],
                     timelines: dict[str, Timeline]) -> Finding | None:
    """A ``callable`` finding if ``entry`` (one of ``timeline.standbys``) could not be called, else None."""
    facts = timeline.facts
    cadre_id = facts.id
    what = f"{cadre_id}'s standby {entry.shift} on {ctx.iso(entry.day)} for {entry.community}"
    key = (entry.day, entry.shift, entry.community)
    eligible = eligible_checkpoints(ctx, facts, entry.community, entry.day, entry.shift)
    if not eligible:
        return Finding("callable", cadre_id, f"{what} is not callable: no checkpoint of {entry.community} has "
                       f"demand then that {cadre_id} may serve", key)
    changed = as_duty(ctx, timeline, entry, eligible[0])
    broken = new_findings(ctx, timeline, changed, known, timelines)
    if not broken:
        return None
    reasons = "; ".join(finding.message for finding in broken)
    return Finding("callable", cadre_id, f"{what} is not callable: as a duty at {eligible[0]} it would break a "
                   f"rule ({reasons})", key)


def callability_findings(ctx: Context, timeline: Timeline, known: set[tuple[object, ...]],
                         timelines: dict[str, Timeline]) -> list[Finding]:
    """A ``callable`` finding for every standby of the cadre that could not be called.

    Standbys outside the cadre's communities or on a blocked shift are left to the placement rules."""
    facts = timeline.facts
    found = []
    for entry in timeline.standbys:
        if entry.community not in facts.cadre.communities or (entry.day, entry.shift) in facts.blocked:
            continue
        finding = standby_callable(ctx, timeline, entry, known, timelines)
        if finding is not None:
            found.append(finding)
    return found
