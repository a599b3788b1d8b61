"""Reasons for shortfalls, in plain words.

For an unmet checkpoint-day-shift, every cadre who may serve its community is
asked, through the independent checker, what would stop them from taking that
duty in the final roster: resting after a shift, at the unit, a weekly limit,
already on duty elsewhere, and so on. The reason names them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from models.instance import Instance
from models.roster import Assignment, Shortfall, StandbyAssignment, StandbyShortfall
from scheduler.checker import Explainer

# How many cadres a reason names before it summarises the rest.
NAMED = 6


class ShortfallExplainer:
    def __init__(self, instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment]) -> None:
        self.checker = Explainer(instance, assignments, standby)
        self.cadres_of_community: dict[str, list[str]] = defaultdict(list)
        for cadre in instance.cadres:
            for community in cadre.communities:
                self.cadres_of_community[community].append(cadre.id)
        self.community_of = {checkpoint.id: checkpoint.community for checkpoint in instance.checkpoints}
        self.skills_of = {cadre.id: set(cadre.skills) for cadre in instance.cadres}
        self.names = {cadre.id: cadre.name or cadre.id for cadre in instance.cadres}
        self.on_duty: dict[tuple[str, object, str], set[str]] = defaultdict(set)
        for assignment in assignments:
            self.on_duty[(assignment.checkpoint, assignment.date, assignment.shift)].add(assignment.cadre)

    def _label(self, cadre_id: str) -> str:
        name = self.names[cadre_id]
        return cadre_id if name == cadre_id else f"{name} ({cadre_id})"

    def _summarise(self, candidates: list[str], why_not: Callable[[str], list[str]], what: str) -> str:
        """``what``, then what stops each candidate (``why_not``), then who was free but not used."""
        blocked: list[tuple[str, list[str]]] = []
        free: list[str] = []
        for cadre_id in candidates:
            reasons = why_not(cadre_id)
            if reasons:
                blocked.append((cadre_id, reasons))
            else:
                free.append(cadre_id)
        parts = []
        for cadre_id, reasons in blocked[:NAMED]:
            parts.append(f"{self._label(cadre_id)}: {reasons[0]}")
        if len(blocked) > NAMED:
            parts.append(f"{len(blocked) - NAMED} more cannot either")
        text = "; ".join(parts)
        if free:
            names = ", ".join(self._label(cadre_id) for cadre_id in free[:NAMED])
            text += (
                f"{'; ' if text else ''}free and not used: {names} (taking them would break no rule of theirs; "
                f"the solver kept them elsewhere or stopped before proving this best)"
            )
        return f"{what}: {text}" if text else what

    def shortfall(self, item: Shortfall) -> str:
        community = self.community_of.get(item.checkpoint, "?")
        candidates = [
            cadre_id
            for cadre_id in self.cadres_of_community.get(community, [])
            if cadre_id not in self.on_duty[(item.checkpoint, item.date, item.shift)]
        ]
        if item.skills_missing and item.assigned >= item.min:
            skills = set(item.skills_missing)
            candidates = [cadre_id for cadre_id in candidates if self.skills_of[cadre_id] & skills]
            what = (
                f"no free cadre with skill {', '.join(sorted(skills))} may serve community {community} "
                f"on {item.date.isoformat()} shift {item.shift}"
            )
        else:
            what = f"{item.assigned} of {item.min} on duty; no more cadres of community {community} could serve"
        if not candidates:
            return f"{what}: nobody else may serve there"
        def why_not(cadre_id: str) -> list[str]:
            # a cadre free in that shift may still be kept out by their own standby, which the duty
            # would leave uncallable: why_not_instead asks that too
            return (self.checker.why_not(cadre_id, item.date, item.shift, item.checkpoint)
                    or self.checker.why_not_instead(cadre_id, item.date, item.shift, item.checkpoint))

        return self._summarise(candidates, why_not, what)

    def standby_shortfall(self, item: StandbyShortfall) -> str:
        candidates = self.cadres_of_community.get(item.community, [])
        what = f"{item.assigned} of {item.count} standby in community {item.community}"
        if not candidates:
            return f"{what}: nobody may serve there"
        return self._summarise(
            candidates,
            lambda cadre_id: self.checker.standby_why_not(cadre_id, item.date, item.shift, item.community),
            what,
        )
