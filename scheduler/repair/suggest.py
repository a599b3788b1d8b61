"""``schedule suggest``: who can take one duty, ranked, each with what it changes and what it costs.

Two questions: a gap to fill (a checkpoint, date and shift) or a cadre to
replace (that cadre's duty on a date and shift). Three kinds of answer: a
standby of that community and shift called to duty (that is what standby is
for), a free cadre, or a swap (a cadre on duty at another checkpoint of the
community moves over, and a free cadre takes that place if it would fall
below its minimum; where nobody free can, a cadre on duty elsewhere moves
into it, and a free cadre takes theirs where needed: three duties). Every
candidate is verified with the independent checker
(:class:`~scheduler.checker.Explainer`): it breaks no rule of the cadres it
moves. Costs: load against the group mean, rest before and after, hours left
in the busiest 7 days around, and continuity (duties already done there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Any

from models.instance import Instance
from models.roster import Roster
from scheduler.checker import Explainer, evaluate
from scheduler.checker.context import BUSY, DAY, DUTY, UNIT, context_for, group_of
from scheduler.i18n import text

KIND_ORDER = {"standby": 0, "free": 1, "swap": 2}


class SuggestError(ValueError):
    """The question names something the instance or roster does not have."""


@dataclass
class Cost:
    load: float  # the cadre's load (checker units) before the change
    group_mean: float
    rest_before_hours: float | None  # from the end of the previous work period to the shift's start
    rest_after_hours: float | None  # from the shift's end to the next work period
    week_hours_left: float | None  # under max_hours_per_7_days, in the busiest 7-day window with the shift
    continuity: int  # duties the cadre already holds at that checkpoint
    skills: list[str] = field(default_factory=list)  # skills the duty asks for that the cadre holds

    def words(self, lang: str = "en") -> str:
        share = (self.load / self.group_mean - 1) * 100 if self.group_mean else 0.0
        parts = [text(lang, "cost_load", load=f"{self.load / 100:.0f}", mean=f"{self.group_mean / 100:.0f}",
                      share=f"{share:+.0f}")]
        if self.rest_before_hours is not None:
            parts.append(text(lang, "cost_rest_before", hours=f"{self.rest_before_hours:g}"))
        if self.rest_after_hours is not None:
            parts.append(text(lang, "cost_rest_after", hours=f"{self.rest_after_hours:g}"))
        if self.week_hours_left is not None:
            parts.append(text(lang, "cost_week_left", hours=f"{self.week_hours_left:g}"))
        parts.append(text(lang, "cost_continuity", count=self.continuity) if self.continuity
                     else text(lang, "cost_new_checkpoint"))
        if self.skills:
            parts.append(text(lang, "cost_skills", skills=", ".join(self.skills)))
        return text(lang, "cost_separator").join(parts)


@dataclass(frozen=True)
class Move:
    """One cadre's change in the shift asked about: from off, standby or a duty, to a duty at ``to``."""

    cadre: str
    was: str  # off, standby, duty
    place: str | None  # the community stood by for, or the checkpoint left
    to: str

    def words(self, lang: str = "en") -> str:
        return text(lang, f"move_from_{self.was}", cadre=self.cadre, place=self.place or "", to=self.to)


@dataclass
class Candidate:
    kind: str  # standby, free, swap
    cadre: str  # who takes the duty asked about
    moves: list[Move]  # what changes, one per cadre
    cost: Cost
    moved_from: str | None = None  # swap: the checkpoint the cadre leaves
    filler: str | None = None  # swap: who takes that place, if anyone must

    @property
    def changes(self) -> list[str]:
        """What changes, in English, one line per cadre (the JSON for tools)."""
        return [move.words() for move in self.moves]

    def summary(self, lang: str = "en") -> str:
        return text(lang, "cost_separator").join(move.words(lang) for move in self.moves)

    def cost_words(self, lang: str = "en") -> str:
        return self.cost.words(lang)

    def rank_key(self) -> tuple[int, int, int, float]:
        """Fewest changes, then the skills asked for, standby before free before swap, the lightest load."""
        ratio = self.cost.load / self.cost.group_mean if self.cost.group_mean else 0.0
        return (len(self.moves), -len(self.cost.skills), KIND_ORDER[self.kind], ratio)


@dataclass
class Answer:
    what: str
    checkpoint: str
    date: date
    shift: str
    replacing: str | None
    candidates: list[Candidate] = field(default_factory=list)
    cannot: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint,
            "date": self.date.isoformat(),
            "shift": self.shift,
            "replacing": self.replacing,
            "candidates": [
                {
                    "rank": rank,
                    "kind": candidate.kind,
                    "cadre": candidate.cadre,
                    "moved_from": candidate.moved_from,
                    "filler": candidate.filler,
                    "changes": candidate.changes,
                    "cost": {
                        "load": candidate.cost.load / 100,
                        "group_mean": round(candidate.cost.group_mean / 100, 2),
                        "rest_before_hours": candidate.cost.rest_before_hours,
                        "rest_after_hours": candidate.cost.rest_after_hours,
                        "week_hours_left": candidate.cost.week_hours_left,
                        "continuity": candidate.cost.continuity,
                        "skills": candidate.cost.skills,
                    },
                }
                for rank, candidate in enumerate(self.candidates, start=1)
            ],
            "cannot": [{"cadre": cadre, "reason": reason} for cadre, reason in self.cannot],
        }


def suggest_candidates(
    instance: Instance,
    roster: Roster,
    when: date,
    shift_id: str,
    *,
    checkpoint: str | None = None,
    cadre: str | None = None,
    limit: int = 10,
) -> Answer:
    """Ranked candidates for one duty (see the module doc)."""
    ctx = context_for(instance)
    if shift_id not in ctx.shifts:
        raise SuggestError(f"there is no shift {shift_id!r}")
    if not ctx.in_horizon(ctx.day_of(when)):
        raise SuggestError(f"{when.isoformat()} is outside the horizon")
    assignments = list(roster.assignments)
    replacing = None
    if cadre is not None:
        held = [item for item in assignments if (item.cadre, item.date, item.shift) == (cadre, when, shift_id)]
        if not held:
            raise SuggestError(f"cadre {cadre!r} has no duty on {when.isoformat()} shift {shift_id}")
        checkpoint = held[0].checkpoint
        replacing = cadre
        assignments = [item for item in assignments if item is not held[0]]
    assert checkpoint is not None
    if checkpoint not in ctx.checkpoints:
        raise SuggestError(f"there is no checkpoint {checkpoint!r}")
    community = ctx.checkpoints[checkpoint].community
    what = (f"replace {replacing} at {checkpoint} on {when.isoformat()} {shift_id}" if replacing
            else f"fill {checkpoint} on {when.isoformat()} {shift_id}")
    answer = Answer(what, checkpoint, when, shift_id, replacing)

    explainer = Explainer(instance, assignments, roster.standby)
    loads = evaluate(instance, roster.assignments, roster.standby).load_units
    group_means: dict[str, float] = {}
    for group in {group_of(facts.cadre) for facts in ctx.cadres.values()}:
        members = [loads.get(cadre_id, 0) for cadre_id, facts in ctx.cadres.items() if group_of(facts.cadre) == group]
        group_means[group] = mean(members) if members else 0.0
    day = ctx.day_of(when)
    holding: dict[str, tuple[str, str]] = {}  # cadre -> ("duty", checkpoint) or ("standby", community) then
    for item in assignments:
        if (item.date, item.shift) == (when, shift_id):
            holding[item.cadre] = ("duty", item.checkpoint)
    for entry in roster.standby:
        if (entry.date, entry.shift) == (when, shift_id):
            holding[entry.cadre] = ("standby", entry.community)
    on_duty: dict[str, int] = {}
    for item in assignments:
        if (item.date, item.shift) == (when, shift_id):
            on_duty[item.checkpoint] = on_duty.get(item.checkpoint, 0) + 1

    def cost(cadre_id: str, place: str) -> Cost:
        return _cost(ctx, explainer, cadre_id, day, shift_id, place, loads, group_means)

    # checkpoint -> free cadres who may take it when one cadre leaves it (asked lazily)
    free_for: dict[str, list[str]] = {}

    def free_takers(place: str) -> list[str]:
        if place not in free_for:
            free_for[place] = [
                cadre_id for cadre_id, facts in ctx.cadres.items()
                if cadre_id not in holding and cadre_id != replacing
                and ctx.checkpoints[place].community in facts.cadre.communities
                and not explainer.why_not_instead(cadre_id, when, shift_id, place, leaving=1)
            ]
        return free_for[place]

    moved_for: dict[str, list[Move] | None] = {}  # checkpoint -> moves that fill it from another duty

    def moved_in(place: str) -> list[Move] | None:
        """The fewest moves (lightest loads first) that put a cadre on duty elsewhere in ``place``, with a
        free cadre taking theirs where its minimum needs it; None if there are none."""
        if place in moved_for:
            return moved_for[place]
        best: tuple[int, float, list[Move]] | None = None
        for mover, (held_kind, left) in holding.items():
            if (held_kind != "duty" or left in (place, checkpoint)
                    or ctx.checkpoints[place].community not in ctx.cadres[mover].cadre.communities
                    or explainer.why_not_instead(mover, when, shift_id, place, leaving=1)):
                continue
            moves = [Move(mover, "duty", left, place)]
            left_rule = ctx.demand.get((left, day, shift_id))
            if on_duty.get(left, 0) - 1 < (0 if left_rule is None else left_rule.min):
                takers = free_takers(left)  # free: never the cadre who leaves ``place``, nor the mover
                if not takers:
                    continue
                moves.append(Move(min(takers, key=lambda taker: loads.get(taker, 0)), "off", None, left))
            key = (len(moves), loads.get(mover, 0))
            if best is None or key < best[:2]:
                best = (*key, moves)
        moved_for[place] = None if best is None else best[2]
        return moved_for[place]

    for cadre_id, facts in ctx.cadres.items():
        if community not in facts.cadre.communities or cadre_id == replacing:
            continue
        held_now = holding.get(cadre_id)
        if held_now is None:
            reasons = explainer.why_not_instead(cadre_id, when, shift_id, checkpoint)
            if reasons:
                answer.cannot.append((cadre_id, reasons[0]))
            else:
                answer.candidates.append(Candidate("free", cadre_id, [Move(cadre_id, "off", None, checkpoint)],
                                                   cost(cadre_id, checkpoint)))
            continue
        kind, place = held_now
        if kind == "duty" and place == checkpoint:
            continue  # already there
        reasons = explainer.why_not_instead(cadre_id, when, shift_id, checkpoint)
        if reasons:
            answer.cannot.append((cadre_id, reasons[0]))
            continue
        if kind == "standby":
            if place == community:
                answer.candidates.append(Candidate("standby", cadre_id, [Move(cadre_id, "standby", place, checkpoint)],
                                                   cost(cadre_id, checkpoint)))
            continue
        # a swap: the cadre leaves `place`; somebody free takes it if it would fall below its minimum
        rule = ctx.demand.get((place, day, shift_id))
        least = 0 if rule is None else rule.min
        lines = [Move(cadre_id, "duty", place, checkpoint)]
        filler = None
        if on_duty.get(place, 0) - 1 < least:
            takers = [taker for taker in free_takers(place) if taker != cadre_id]
            if takers:
                filler = min(takers, key=lambda taker: loads.get(taker, 0))
                lines.append(Move(filler, "off", None, place))
            else:
                # three duties: a cadre on duty elsewhere moves into the place, and somebody free (if the
                # minimum there asks for it) takes theirs
                chain = moved_in(place)
                if chain is None:
                    answer.cannot.append((cadre_id, f"{cadre_id} is needed at {place} (its minimum {least}) and "
                                                    "nobody free, or moved from another duty, can take that place"))
                    continue
                filler = chain[0].cadre
                lines.extend(chain)
        answer.candidates.append(Candidate("swap", cadre_id, lines, cost(cadre_id, checkpoint), place, filler))
    answer.candidates.sort(key=Candidate.rank_key)
    answer.candidates = answer.candidates[:limit]
    return answer


def _cost(ctx: Any, explainer: Explainer, cadre_id: str, day: int, shift_id: str, checkpoint: str,
          loads: dict[str, int], group_means: dict[str, float]) -> Cost:
    facts = ctx.cadres[cadre_id]
    timeline = explainer.timelines[cadre_id]
    begin = day * DAY + ctx.shift_start[shift_id]
    end = begin + ctx.shift_minutes[shift_id]
    others = [period for period in timeline.periods
              if not (period.day == day and period.shift == shift_id and period.kind != UNIT)]
    before = [period.end for period in others if period.end <= begin]
    after = [period.start for period in others if period.start >= end]
    rest_before = (begin - max(before)) / 60 if before else None
    rest_after = (min(after) - end) / 60 if after else None
    week_left = None
    limit = facts.limits.hours_per_7
    if limit is not None:
        by_day: dict[int, int] = {}
        for period in others:
            if period.kind in (DUTY, UNIT, BUSY):
                by_day[period.day] = by_day.get(period.day, 0) + period.minutes
        by_day[day] = by_day.get(day, 0) + ctx.shift_minutes[shift_id]
        busiest = max(sum(by_day.get(first + offset, 0) for offset in range(7)) for first in range(day - 6, day + 1))
        week_left = (limit - busiest) / 60
    continuity = sum(1 for duty in timeline.duties if duty.checkpoint == checkpoint)
    rule = ctx.demand.get((checkpoint, day, shift_id))
    asked = [] if rule is None else [skill for skill in rule.skills if skill in facts.cadre.skills]
    return Cost(float(loads.get(cadre_id, 0)), group_means.get(group_of(facts.cadre), 0.0), rest_before, rest_after,
                week_left, continuity, asked)
