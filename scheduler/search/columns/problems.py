"""Each cadre's pricing problem: the shifts open per day, request costs, weekends and the cadre's rules.

Read once from the roster model's own variables, calendar and rules, so that
a column (one whole roster of one cadre) keeps every rule the model keeps for
that cadre.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.model.calendar import hours_to_minutes
from scheduler.model.roster_model import RosterModel

OFF = None  # the choice of a day off
Choice = str | None  # a shift id, or OFF
Column = tuple[Choice, ...]  # the shift worked on each day, or OFF
RunState = tuple[str, int, bool]  # (last: "start", "off" or a shift id; run length; run began on day 0)


@dataclass(frozen=True)
class CadreRules:
    """One cadre's rules as the pricing problem keeps them (minutes, run lengths, counts)."""

    min_minutes: int = 0
    max_minutes: int | None = None
    shortest_work_run: int = 1
    longest_work_run: int | None = None
    shortest_off_run: int = 1
    max_weekends: int | None = None
    max_by_shift: dict[str, int] = field(default_factory=dict)
    forbidden: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class CadreProblem:
    """What one cadre's pricing needs: per day the shifts open (minutes and checkpoints), the
    request costs of each choice, the weekends, and the rules."""

    cadre: str
    options: list[dict[str, tuple[int, tuple[str, ...]]]]  # per day: shift -> (minutes, checkpoints)
    costs: list[dict[Choice, float]]  # per day: request cost of each choice (OFF included), weighted
    weekend_close: list[int]  # per day: 0 not a weekend's last day, else the weekend's number of days
    rules: CadreRules
    clash: list[frozenset[tuple[str, str]]]  # per day d: (shift on d-1, shift on d) pairs that overlap

    @property
    def days(self) -> int:
        return len(self.options)


def cadre_problems(roster_model: RosterModel) -> dict[str, CadreProblem]:
    """Each cadre's pricing problem, from the model's own variables, calendar and rules."""
    calendar = roster_model.calendar
    instance = roster_model.instance
    requests_weight = instance.objective.weights.get("requests", 0)
    weekend_close = [0] * calendar.days
    for weekend in calendar.weekends():
        weekend_close[weekend[-1]] = len(weekend)
    problems: dict[str, CadreProblem] = {}
    for cadre in instance.cadres:
        facts = roster_model.facts(cadre.id)
        rules = facts.rules
        options: list[dict[str, tuple[int, tuple[str, ...]]]] = [{} for _ in range(calendar.days)]
        gathered: dict[tuple[int, str], list[str]] = {}
        for key in roster_model.vars.duty_keys_of_cadre.get(cadre.id, []):
            gathered.setdefault((key.day, key.shift), []).append(key.checkpoint)
        for (day, shift), checkpoints in sorted(gathered.items()):
            options[day][shift] = (calendar.slots[(day, shift)].minutes, tuple(sorted(checkpoints)))
        costs: list[dict[Choice, float]] = [dict.fromkeys([OFF, *options[day]], 0.0) for day in range(calendar.days)]
        for request in cadre.requests:
            day = calendar.day_of(request.date)
            if not 0 <= day < calendar.days:
                continue
            for choice in costs[day]:
                worked = choice is not OFF and (request.shift is None or choice == request.shift)
                if worked == (request.kind == "off"):  # off and worked, or on and not worked: not granted
                    costs[day][choice] += requests_weight * request.weight
        rest = facts.rest_minutes
        clash: list[frozenset[tuple[str, str]]] = [frozenset()]
        for day in range(1, calendar.days):
            today = [calendar.slots[(day, shift)] for shift in options[day]]
            earliest = min((slot.start for slot in today), default=None)
            # only a shift of the day before that ends (with rest) after today's earliest start can clash
            reaching = [
                calendar.slots[(day - 1, before)]
                for before in options[day - 1]
                if earliest is not None and calendar.slots[(day - 1, before)].end + rest > earliest
            ]
            clash.append(
                frozenset(
                    (before.shift, slot.shift)
                    for before in reaching
                    for slot in today
                    if roster_model.conflict(cadre.id, before, slot)
                )
            )
        problems[cadre.id] = CadreProblem(
            cadre=cadre.id,
            options=options,
            costs=costs,
            weekend_close=weekend_close,
            rules=CadreRules(
                min_minutes=calendar.prorated_min_total_minutes(facts) or 0,
                max_minutes=hours_to_minutes(rules.max_total_hours),
                shortest_work_run=rules.min_consecutive_work_days or 1,
                longest_work_run=rules.max_consecutive_work_days,
                shortest_off_run=rules.min_consecutive_days_off or 1,
                max_weekends=rules.max_weekends,
                max_by_shift=dict(rules.max_shifts_by_type or {}),
                forbidden=frozenset((first, second) for first, second in rules.forbidden_successions or []),
            ),
            clash=clash,
        )
    return problems

