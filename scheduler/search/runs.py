"""A first roster from each cadre's runs of work and days off, by dynamic programming.

On long horizons a cadre's own CP-SAT model needs up to a second or more for
its first roster, too long for a hundred cadres (see BENCHMARKS.md). When
the only rules in play are the sequence rules of the classic rostering
benchmarks, a roster for one cadre is found much faster by a dynamic
programme over the days: each day the cadre is either in a run of work days
(its length so far) or in a run of days off. The programme keeps every run
of work days between ``min_consecutive_work_days`` and
``max_consecutive_work_days`` and every run of days off at least
``min_consecutive_days_off`` long (stricter than the rules, which exempt the
runs touching the horizon's ends), and works only on days the cadre has a
duty option. It maximises the number of work days less a price per weekend
worked; the price is raised by bisection until ``max_weekends`` holds. Each
run then gets one shift (allowed to follow itself, open on every day of the
run, within ``max_shifts_by_type``), chosen where the demand left over by
the cadres before is largest. When the pattern has more work days than
``max_total_hours`` allows even with the briefest shift, runs lose end days
first (never below the shortest run); then runs are shortened from their
end to stay within the maximum. A cadre still short of its minimum hours then
gets longer shifts on some runs (same days), within the maximum; if that is
not enough the cadre gets no runs.

Used only when no other rule binds (see :func:`only_sequence_rules`); the solver checks
the result in the whole model with the duties fixed before using it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from models.instance import Instance, Rules
from scheduler.model.calendar import Calendar, effective_rules, hours_to_minutes
from scheduler.model.roster_model import RosterModel
from scheduler.model.variables import DutyKey
from scheduler.search.settings import SETTINGS, SearchSettings

logger = logging.getLogger(__name__)

# Rules the construction keeps; any other rule set for anybody means it is not used.
HANDLED_RULES = {
    "max_duty_shifts_per_day",
    "max_consecutive_work_days",
    "min_consecutive_work_days",
    "min_consecutive_days_off",
    "max_weekends",
    "min_total_hours",
    "max_total_hours",
    "max_shifts_by_type",
    "forbidden_successions",
    "prorate_min_total_hours",
}

State = tuple[bool, int]  # (working, length of the current run; days off counted up to the minimum)


def only_sequence_rules(instance: Instance) -> bool:
    """Whether every rule in play is one this construction keeps (and nothing else binds a cadre)."""
    if instance.standby.per_community or instance.standby.overrides:
        return False
    for cadre in instance.cadres:
        if cadre.unit is not None or cadre.busy or cadre.history:
            return False
        rules = effective_rules(instance, cadre)
        if any(getattr(rules, name) is not None for name in Rules.model_fields if name not in HANDLED_RULES):
            return False
    return True


def _offer(reached: dict[State, float], back: dict[State, State], state: State, value: float, previous: State) -> None:
    """Keep ``value`` for ``state`` today if it beats the best so far, remembering where it came from."""
    if value > reached.get(state, float("-inf")):
        reached[state] = value
        back[state] = previous


def work_days(
    days: int,
    open_days: set[int],
    rules: Rules,
    weekend_starts: dict[int, int],
    price: float,
    bonus: list[float],
) -> list[bool] | None:
    """The work days maximising ``sum(1 + bonus[day]) - price * weekends worked`` under the run rules.

    ``weekend_starts`` maps each weekend day to the first day of its weekend: a work day is priced
    when it is the first work day of its weekend (the day before is off or outside the weekend).
    Returns None if no pattern keeps the rules.
    """
    shortest_work = rules.min_consecutive_work_days or 1
    longest_work = rules.max_consecutive_work_days or days
    shortest_off = rules.min_consecutive_days_off or 1
    best: dict[State, float] = {(False, shortest_off): 0.0}  # as if rested before day 0
    came_from: list[dict[State, State]] = []
    for day in range(days):
        reached: dict[State, float] = {}
        back: dict[State, State] = {}
        for (working, run), value in best.items():
            if not working or run >= shortest_work:
                _offer(reached, back, (False, 1 if working else min(run + 1, shortest_off)), value, (working, run))
            can_start = not working and run >= shortest_off
            if day in open_days and ((working and run < longest_work) or can_start):
                first_of_weekend = day in weekend_starts and (not working or day == weekend_starts[day])
                gain = 1 + bonus[day] - (price if first_of_weekend else 0.0)
                _offer(reached, back, (True, run + 1 if working else 1), value + gain, (working, run))
        came_from.append(back)
        best = reached
    ends = [
        (value, state)
        for state, value in best.items()
        if (state[0] and state[1] >= shortest_work) or (not state[0] and state[1] >= shortest_off)
    ]
    if not ends:
        return None
    state = max(ends)[1]
    pattern = [False] * days
    for day in range(days - 1, -1, -1):
        pattern[day] = state[0]
        state = came_from[day][state]
    return pattern


def _trim(pattern: list[bool], most_days: int, shortest: int, bonus: list[float]) -> None:
    """Shorten runs (in place) until at most ``most_days`` are worked, none below ``shortest``.

    More work days than the maximum hours allow even with the briefest shift would otherwise be
    cut from the last runs, dropping whole runs and leaving the cadre short of its minimum. Each
    step drops the first or last day of a run longer than ``shortest`` where the least demand is
    left. Only a day off longer, fewer weekends: every rule still holds.
    """
    excess = sum(pattern) - most_days
    while excess > 0:
        ends = [
            (bonus[day], -length, day)
            for first, length in _runs(pattern)
            if length > shortest
            for day in (first, first + length - 1)
        ]
        if not ends:
            return
        pattern[min(ends)[2]] = False
        excess -= 1


def _runs(pattern: list[bool]) -> Iterable[tuple[int, int]]:
    """(first day, length) of each run of work days."""
    day = 0
    while day < len(pattern):
        if pattern[day]:
            first = day
            while day < len(pattern) and pattern[day]:
                day += 1
            yield first, day - first
        else:
            day += 1


@dataclass(frozen=True)
class TypedRun:
    """A run of work days with its one shift: ``checkpoints`` holds the checkpoint of each day."""

    first: int
    shift: str
    checkpoints: list[str]


class RunsConstruction:
    """Builds the duties cadre by cadre; ``left`` is the demand (target) still wanted per cell."""

    def __init__(
        self, roster_model: RosterModel, placed: Iterable[DutyKey] = (), settings: SearchSettings = SETTINGS
    ) -> None:
        self.roster_model = roster_model
        self.settings = settings
        self.calendar: Calendar = roster_model.calendar
        self.left = {cell: rule.target for cell, rule in self.calendar.demand.items()}
        self.held: dict[tuple[str, int, str], int] = defaultdict(int)
        self._hold(placed)
        self.weekend_starts = {day: weekend[0] for weekend in self.calendar.weekends() for day in weekend}

    def _wanted(self, day: int, shift: str, checkpoints: list[str]) -> int:
        return max((self.left.get((checkpoint, day, shift), 0) for checkpoint in checkpoints), default=0)

    def _full(self, cell: tuple[str, int, str]) -> bool:
        """Whether the cell's demand ``max`` is reached."""
        rule = self.calendar.demand.get(cell)
        return rule is not None and rule.max is not None and self.held[cell] >= rule.max

    def _free_checkpoint(self, day: int, shift: str, checkpoints: list[str]) -> str | None:
        """The checkpoint with the most demand left whose ``max`` is not reached, if any."""
        usable = [checkpoint for checkpoint in checkpoints if not self._full((checkpoint, day, shift))]
        return max(usable, key=lambda checkpoint: self.left.get((checkpoint, day, shift), 0), default=None)

    def cadre(self, cadre_id: str) -> list[DutyKey] | None:
        """One cadre's duties, or None if this construction finds none that keeps its rules."""
        calendar = self.calendar
        facts = self.roster_model.facts(cadre_id)
        rules = facts.rules
        options: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for key in self.roster_model.vars.duty_keys_of_cadre.get(cadre_id, []):
            if not self._full((key.checkpoint, key.day, key.shift)):
                options[key.day][key.shift].append(key.checkpoint)
        forbidden = {tuple(pair) for pair in rules.forbidden_successions or []}
        budget = dict(rules.max_shifts_by_type or {})
        shifts = [shift for shift in calendar.shift_ids if (shift, shift) not in forbidden and budget.get(shift, 1) > 0]
        open_days = {day for day, by_shift in options.items() if any(shift in by_shift for shift in shifts)}
        tie_break = self.settings.demand_tie_break
        bonus = [
            tie_break * max((self._wanted(day, s, options[day].get(s, [])) for s in shifts), default=0)
            if day in open_days
            else 0.0
            for day in range(calendar.days)
        ]
        pattern = self._pattern(open_days, rules, bonus)
        if pattern is None:
            return None
        most = hours_to_minutes(rules.max_total_hours)
        least = calendar.prorated_min_total_minutes(facts) or 0
        shortest = rules.min_consecutive_work_days or 1
        briefest = min(
            (calendar.slots[(day, shift)].minutes for day in open_days for shift in options[day] if shift in shifts),
            default=None,
        )
        if most is not None and briefest:
            _trim(pattern, most // briefest, shortest, bonus)
        total = 0
        runs: list[TypedRun] = []
        for first, length in _runs(pattern):
            typed = self._type_run(first, length, shifts, options, budget, shortest, most, total)
            if typed is None:
                continue  # the run is dropped: a longer run of days off keeps every rule
            shift, length, checkpoints = typed
            runs.append(TypedRun(first, shift, checkpoints))
            total += self._minutes(first, shift, length)
            if shift in budget:
                budget[shift] -= length
        if total < least:
            total = self._reach_minimum(runs, shifts, options, budget, least, most, total)
        if total < least:
            return None
        duties = [
            DutyKey(cadre_id, run.first + offset, run.shift, checkpoint)
            for run in runs
            for offset, checkpoint in enumerate(run.checkpoints)
        ]
        self._hold(duties)
        return duties

    def _minutes(self, first: int, shift: str, length: int) -> int:
        return sum(self.calendar.slots[(first + offset, shift)].minutes for offset in range(length))

    def _checkpoints(self, first: int, shift: str, length: int, options: dict[int, dict[str, list[str]]]) -> list[str]:
        """A checkpoint with room for each day of the run, as far as there is one."""
        checkpoints = []
        for offset in range(length):
            checkpoint = self._free_checkpoint(first + offset, shift, options[first + offset].get(shift, []))
            if checkpoint is None:
                break
            checkpoints.append(checkpoint)
        return checkpoints

    def _reach_minimum(
        self,
        runs: list[TypedRun],
        shifts: list[str],
        options: dict[int, dict[str, list[str]]],
        budget: dict[str, int],
        least: int,
        most: int | None,
        total: int,
    ) -> int:
        """Give runs longer shifts (same days) until the cadre's minutes reach ``least``; returns the total.

        Each step takes, among the changes that keep ``most``, the smallest gain that reaches the
        minimum if one does, else the largest gain. A run changes at most once; runs are apart by
        at least a day off, so a change never makes a forbidden succession. ``runs`` and ``budget``
        are updated in place.
        """
        changes: list[tuple[int, int, str, list[str]]] = []  # (gain in minutes, run, new shift, checkpoints)
        for index, run in enumerate(runs):
            length = len(run.checkpoints)
            minutes = self._minutes(run.first, run.shift, length)
            for shift in shifts:
                gain = self._minutes(run.first, shift, length) - minutes
                if gain <= 0:
                    continue
                checkpoints = self._checkpoints(run.first, shift, length, options)
                if len(checkpoints) == length:
                    changes.append((gain, index, shift, checkpoints))
        changed: set[int] = set()
        while total < least:
            room = None if most is None else most - total
            usable = [
                change
                for change in changes
                if change[1] not in changed
                and (room is None or change[0] <= room)
                and budget.get(change[2], len(change[3])) >= len(change[3])
            ]
            if not usable:
                break
            enough = [change for change in usable if change[0] >= least - total]
            gain, index, shift, checkpoints = min(enough) if enough else max(usable)
            old = runs[index]
            if old.shift in budget:
                budget[old.shift] += len(checkpoints)
            if shift in budget:
                budget[shift] -= len(checkpoints)
            runs[index] = TypedRun(old.first, shift, checkpoints)
            changed.add(index)
            total += gain
        return total

    def _hold(self, duties: Iterable[DutyKey]) -> None:
        for key in duties:
            cell = (key.checkpoint, key.day, key.shift)
            self.held[cell] += 1
            if cell in self.left:
                self.left[cell] -= 1

    def _pattern(self, open_days: set[int], rules: Rules, bonus: list[float]) -> list[bool] | None:
        days = self.calendar.days
        pattern = work_days(days, open_days, rules, self.weekend_starts, 0.0, bonus)
        if pattern is None or rules.max_weekends is None or self._weekends(pattern) <= rules.max_weekends:
            return pattern
        low, high, kept = 0.0, self.settings.highest_weekend_price, None
        for _ in range(self.settings.weekend_price_steps):
            price = (low + high) / 2
            candidate = work_days(days, open_days, rules, self.weekend_starts, price, bonus)
            if candidate is not None and self._weekends(candidate) <= rules.max_weekends:
                kept, high = candidate, price
            else:
                low = price
        return kept

    def _weekends(self, pattern: list[bool]) -> int:
        return sum(any(pattern[day] for day in weekend) for weekend in self.calendar.weekends())

    def _type_run(
        self,
        first: int,
        length: int,
        shifts: list[str],
        options: dict[int, dict[str, list[str]]],
        budget: dict[str, int],
        shortest: int,
        most: int | None,
        total: int,
    ) -> tuple[str, int, list[str]] | None:
        """(shift, length kept, checkpoint per day) for a run, shortened to keep the maximum hours."""
        best: tuple[tuple[int, int], str, int, list[str]] | None = None  # (days kept, demand met) first
        for shift in shifts:
            kept = min(length, budget.get(shift, length))
            while kept >= shortest:
                if most is None or total + self._minutes(first, shift, kept) <= most:
                    break
                kept -= 1
            if kept < shortest:
                continue
            checkpoints = self._checkpoints(first, shift, kept, options)
            if len(checkpoints) < kept:
                continue
            wanted = sum(self.left.get((checkpoints[o], first + o, shift), 0) for o in range(kept))
            score = (kept, wanted)
            if best is None or score > best[0]:
                best = (score, shift, kept, checkpoints)
        return None if best is None else (best[1], best[2], best[3])


@dataclass
class RunsRoster:
    duties: list[DutyKey] = field(default_factory=list)
    short: list[str] = field(default_factory=list)  # cadres for whom the construction found no roster


def runs_roster(
    roster_model: RosterModel,
    placed: Iterable[DutyKey] = (),
    only: Collection[str] | None = None,
    settings: SearchSettings = SETTINGS,
) -> RunsRoster | None:
    """Duties for every cadre it can (see the module doc); None if the construction does not apply.

    With ``only``, just those cadres, on the demand that the duties ``placed`` (of other cadres) leave over.
    """
    if not only_sequence_rules(roster_model.instance):
        return None
    construction = RunsConstruction(roster_model, placed, settings)
    built = RunsRoster()
    for cadre in roster_model.instance.cadres:
        if only is not None and cadre.id not in only:
            continue
        own = construction.cadre(cadre.id)
        if own is None:
            built.short.append(cadre.id)
        else:
            built.duties.extend(own)
    logger.info(
        "built a first roster from runs: %d duties, %d cadres without one", len(built.duties), len(built.short)
    )
    return built
