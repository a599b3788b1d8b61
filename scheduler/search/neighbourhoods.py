"""Neighbourhoods of the field's own structure, for the large-neighbourhood search.

A neighbourhood frees the duty and standby variables of some cadres over a
window of days and keeps the rest of the roster as it is. Its cadres are
those of one community (everyone who may serve there, shared cadres
included), or of one home unit; its window is a few consecutive days. Which
community or unit, and which days, is drawn where the stage being solved is
worst: the cells short of their minimum or of a skill, of standby, or off their target;
for fairness, the communities whose cadres' loads lie furthest from their
group's mean; for the last stage, any.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.model.calendar import fairness_group, standby_wanted
from scheduler.model.objective import group_weights, load_coefficients
from scheduler.model.roster_model import RosterModel


@dataclass(frozen=True)
class Neighbourhood:
    """Cadres whose duties and standby over ``days`` are freed; the rest of the roster is kept."""

    kind: str  # "community", "unit" or "skill" (a skill's holders serving a community)
    place: str  # the community or unit (and the skill)
    cadres: frozenset[str]
    days: range


class NeighbourhoodIndex:
    """The decision variables of each cadre and day, and who belongs where, read once from the model."""

    def __init__(self, roster_model: RosterModel) -> None:
        self.roster_model = roster_model
        variables = roster_model.vars
        self.days = roster_model.calendar.days
        self.by_cadre_day: dict[tuple[str, int], list[int]] = defaultdict(list)
        for duty_key, variable in variables.duties.items():
            self.by_cadre_day[(duty_key.cadre, duty_key.day)].append(variable.index)
        for standby_key, variable in variables.standbys.items():
            self.by_cadre_day[(standby_key.cadre, standby_key.day)].append(variable.index)
        self.decisions = sorted(index for indices in self.by_cadre_day.values() for index in indices)
        proto_variables = roster_model.cp.proto.variables
        self.domains = {index: list(proto_variables[index].domain) for index in self.decisions}
        members: dict[str, set[str]] = defaultdict(set)
        units: dict[str, set[str]] = defaultdict(set)
        for cadre in roster_model.instance.cadres:
            for community in cadre.communities:
                members[community].add(cadre.id)
            if cadre.unit is not None:
                units[cadre.unit].add(cadre.id)
        self.community_cadres = {community: frozenset(ids) for community, ids in members.items() if ids}
        self.skills_of = {cadre.id: frozenset(cadre.skills) for cadre in roster_model.instance.cadres}
        self.unit_cadres = {unit: frozenset(ids) for unit, ids in units.items() if len(ids) > 1}
        self._load_terms: dict[str, tuple[str, list[tuple[int, int]]]] | None = None
        checkpoints = roster_model.calendar.checkpoints
        self.community_of_checkpoint = {checkpoint_id: place.community for checkpoint_id, place in checkpoints.items()}

    def loads(self, solution: list[int]) -> dict[str, tuple[str, float]]:
        """Each cadre's fairness group and load under ``solution`` (the objective's load units)."""
        if self._load_terms is None:
            roster_model = self.roster_model
            self._load_terms = {}
            for cadre in roster_model.instance.cadres:
                if roster_model.facts(cadre.id).available_days > 0:
                    pairs = load_coefficients(roster_model, cadre.id)
                    terms = [(coefficient, variable.index) for coefficient, variable in pairs]
                    self._load_terms[cadre.id] = (fairness_group(cadre), terms)
        return {
            cadre: (group, float(sum(coefficient * solution[index] for coefficient, index in terms)))
            for cadre, (group, terms) in self._load_terms.items()
        }

    def skill_holders(self, community: str, skill: str) -> frozenset[str]:
        """The cadres who may serve ``community`` and hold ``skill``."""
        return frozenset(cadre for cadre in self.community_cadres.get(community, ()) if skill in self.skills_of[cadre])

    def free(self, neighbourhood: Neighbourhood) -> list[int]:
        """The indices of the decision variables the neighbourhood frees."""
        return [
            index
            for cadre in neighbourhood.cadres
            for day in neighbourhood.days
            for index in self.by_cadre_day.get((cadre, day), ())
        ]


class NeighbourhoodChooser:
    """Draws neighbourhoods where the stage being solved is worst (see the module doc)."""

    def __init__(self, index: NeighbourhoodIndex, seed: int, skill_share: float = 0.0) -> None:
        self.index = index
        self.random = random.Random(seed)
        self.skill_share = skill_share
        self.skills_short: dict[tuple[str, int], set[str]] = {}  # set by the coverage stage's weights

    def draw(self, stage: str, width: int, weights: dict[tuple[str, int], float]) -> Neighbourhood:
        """A neighbourhood of ``width`` days for the stage named ``stage``, where ``weights`` (the
        stage's :meth:`weights` under the incumbent) say it is worst."""
        if weights and self.random.random() < 0.85:
            places = list(weights)
            community, day = self.random.choices(places, weights=[weights[place] for place in places])[0]
        else:
            community = self.random.choice(sorted(self.index.community_cadres))
            day = self.random.randrange(self.index.days)
        short = self.skills_short.get((community, day)) if stage == "coverage" else None
        if short and self.random.random() < self.skill_share:
            # the holders of a skill short there, over twice the window: their weekly hours and runs are
            # what keeps them from the places only they can fill
            skill = self.random.choice(sorted(short))
            holders = self.index.skill_holders(community, skill)
            return Neighbourhood("skill", f"{community} {skill}", holders, self._window(day, 2 * width))
        if stage == "fairness" and self.index.unit_cadres and self.random.random() < 0.3:
            unit = self.random.choice(sorted(self.index.unit_cadres))
            return Neighbourhood("unit", unit, self.index.unit_cadres[unit], self._window(day, width))
        return Neighbourhood("community", community, self.index.community_cadres[community], self._window(day, width))

    def _window(self, day: int, width: int) -> range:
        width = min(max(width, 1), self.index.days)
        first = min(max(day - self.random.randrange(width), 0), self.index.days - width)
        return range(first, first + width)

    def weights(self, stage: str, solution: list[int]) -> dict[tuple[str, int], float]:
        """How bad each (community, day) is for the stage: persons and skill places short, missing
        standby, distance from target where it costs; for fairness each community's load spread; none
        for the last stage."""
        roster_model = self.index.roster_model
        variables = roster_model.vars
        weights: dict[tuple[str, int], float] = defaultdict(float)
        if stage in ("coverage", "target"):
            self.skills_short = {}
            for cell, rule in roster_model.calendar.demand.items():
                checkpoint, day, _ = cell
                holders = variables.duty_by_cell.get(cell, [])
                on_duty = [cadre for cadre, variable in holders if solution[variable.index]]
                if stage == "coverage":  # the coverage part counts persons and skill places alike
                    missing = self._skills_missing(rule.skills, on_duty, holders)
                    gap = max(rule.min - len(on_duty), 0) + missing
                    if missing:
                        place = (self.index.community_of_checkpoint[checkpoint], day)
                        self.skills_short.setdefault(place, set()).update(
                            skill for skill, asked in rule.skills.items()
                            if sum(1 for cadre in on_duty if skill in self.index.skills_of[cadre]) < asked)
                else:  # only a distance the target part charges for (an over-weight of 0 charges none)
                    under = rule.target - len(on_duty)
                    charged = rule.under_weight if under > 0 else rule.over_weight
                    gap = abs(under) if charged > 0 else 0
                if gap and holders:
                    weights[(self.index.community_of_checkpoint[checkpoint], day)] += gap
        elif stage == "standby":
            calendar = roster_model.calendar
            for (community, day, shift), holders in variables.standby_by_cell.items():
                wanted = standby_wanted(roster_model.instance.standby, community, calendar.date_of(day), shift)
                held = sum(solution[variable.index] for _, variable in holders)
                if wanted > held:
                    weights[(community, day)] += wanted - held
        elif stage == "fairness":
            weights.update(self._load_spread(solution))
        return dict(weights)

    def _skills_missing(self, skills: dict[str, int], on_duty: list[str],
                        holders: Sequence[tuple[str, object]]) -> int:
        """The skill places ``on_duty`` leave empty that some cadre who may serve the cell could fill."""
        missing = 0
        skills_of = self.index.skills_of
        for skill, asked in skills.items():
            held = sum(1 for cadre in on_duty if skill in skills_of[cadre])
            if held < asked and any(skill in skills_of[cadre] for cadre, _ in holders):
                missing += asked - held
        return missing

    def _load_spread(self, solution: list[int]) -> dict[tuple[str, int], float]:
        """Per community (on every day alike): how far its cadres' loads lie from their groups'
        means, in the fairness part's own load units and group weights; the communities of the most and least
        loaded cadres weigh most."""
        loads = self.index.loads(solution)
        by_group: dict[str, list[float]] = defaultdict(list)
        for group, load in loads.values():
            by_group[group].append(load)
        means = {group: sum(values) / len(values) for group, values in by_group.items()}
        weights = group_weights({group: len(values) for group, values in by_group.items()})
        spread: dict[tuple[str, int], float] = {}
        for community, cadres in self.index.community_cadres.items():
            distance = sum(weights[loads[cadre][0]] * abs(loads[cadre][1] - means[loads[cadre][0]])
                           for cadre in cadres if cadre in loads)
            for day in range(self.index.days):
                spread[(community, day)] = distance
        return spread
