"""A repaired roster judged against the roster it repairs (DESIGN.md section 7), independently of the model.

``schedule check instance.v2.json roster.v2.json --against roster.json --changes
changes.json`` runs the ordinary check of the repaired roster against the
updated instance, and these checks besides:

- **frozen past:** every (cadre, date, shift) whose shift starts before ``now``
  holds in the repaired roster what it held in the old one;
- **notice:** inside ``notice_hours`` after ``now`` an old duty or standby is
  kept unless its cadre can no longer serve it (unavailable then, no demand
  or no standby asked there any more) or it is a standby called to duty in its
  community; the only additions are duties that fill a shortfall (no more
  than the persons below ``min`` plus the skilled cadres missing among those
  kept there), no standby is added, and
  an addition by anyone but a called standby needs every old standby of that
  community and shift who could serve that checkpoint to have been called;
- **max_changes:** the changes the events did not force (an old entry its
  cadre can no longer serve) are at most ``max_changes``;
- **changes:** the roster's ``changes`` list exactly the differences, and
  ``version`` and ``based_on`` name the old roster.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from models.changes import Changes
from models.instance import Instance
from models.roster import Change, DutyCell, Roster, StandbyCell
from scheduler.checker.context import DAY, Context, context_for

Cell = tuple[str, date, str]  # cadre, date, shift
State = DutyCell | StandbyCell


def roster_cells(roster: Roster) -> dict[Cell, State]:
    """What each (cadre, date, shift) holds: a duty at a checkpoint or a standby for a community."""
    cells: dict[Cell, State] = {}
    for duty in roster.assignments:
        cells[(duty.cadre, duty.date, duty.shift)] = DutyCell(checkpoint=duty.checkpoint)
    for standby in roster.standby:
        cells[(standby.cadre, standby.date, standby.shift)] = StandbyCell(standby=standby.community)
    return cells


def differences(old: Roster, new: Roster) -> list[Change]:
    """Every (cadre, date, shift) whose duty, checkpoint or standby differs, in date, shift, cadre order."""
    before, after = roster_cells(old), roster_cells(new)
    found = []
    for cell in before.keys() | after.keys():
        if before.get(cell) != after.get(cell):
            cadre, when, shift = cell
            found.append(Change(cadre=cadre, date=when, shift=shift, before=before.get(cell), after=after.get(cell)))
    found.sort(key=lambda change: (change.date, change.shift, change.cadre))
    return found


def _describe(state: State | None) -> str:
    if state is None:
        return "nothing"
    if isinstance(state, DutyCell):
        return f"duty at {state.checkpoint}"
    return f"standby for {state.standby}"


@dataclass
class _Judge:
    ctx: Context
    now: datetime

    @property
    def now_minute(self) -> int:
        return (self.now.date() - self.ctx.start).days * DAY + self.now.hour * 60 + self.now.minute

    def starts(self, when: date, shift_id: str) -> int:
        return self.ctx.day_of(when) * DAY + self.ctx.shift_start[shift_id]

    def cannot_serve(self, cadre_id: str, when: date, shift_id: str, state: State) -> bool:
        """Whether the updated instance no longer lets the cadre hold ``state`` there."""
        facts = self.ctx.cadres.get(cadre_id)
        day = self.ctx.day_of(when)
        if facts is None or (day, shift_id) in facts.blocked:
            return True
        if isinstance(state, DutyCell):
            rule = self.ctx.demand.get((state.checkpoint, day, shift_id))
            return rule is None or rule.max == 0
        return self.ctx.standby_wanted.get((state.standby, day, shift_id), 0) <= 0

    def could_take(self, cadre_id: str, when: date, shift_id: str, checkpoint_id: str) -> bool:
        """Whether a standby could be called to this checkpoint at all (availability, place, risk)."""
        facts = self.ctx.cadres.get(cadre_id)
        checkpoint = self.ctx.checkpoints.get(checkpoint_id)
        if facts is None or checkpoint is None or (self.ctx.day_of(when), shift_id) in facts.blocked:
            return False
        if checkpoint.community not in facts.cadre.communities:
            return False
        return not (facts.cadre.vulnerable and checkpoint.risk == "high")


def forced(instance: Instance, changes: Changes, change: Change) -> bool:
    """Whether the events forced this change: its old entry can no longer be served."""
    judge = _Judge(context_for(instance), changes.now)
    return change.before is not None and judge.cannot_serve(change.cadre, change.date, change.shift, change.before)


def check_against(
    instance: Instance, new: Roster, old: Roster, old_sha256: str, changes: Changes
) -> list[str]:
    """Every way ``new`` (a roster of the updated ``instance``) breaks section 7 against ``old``."""
    problems: list[str] = []
    ctx = context_for(instance)
    judge = _Judge(ctx, changes.now)
    diff = differences(old, new)
    _compare_listed(new, diff, problems)
    expected_version = (old.version or 1) + 1
    if new.version != expected_version:
        problems.append(f"version is {new.version}, but the old roster's version plus 1 is {expected_version}")
    if new.based_on != old_sha256:
        problems.append(f"based_on is {new.based_on}, but the old roster file has SHA-256 {old_sha256}")
    notice_end = judge.now_minute + round(changes.notice_hours * 60)
    before_cells, after_cells = roster_cells(old), roster_cells(new)
    added_at: dict[tuple[str, date, str], list[str]] = defaultdict(list)  # checkpoint cell -> cadres added
    budgeted = 0
    for change in diff:
        begins = judge.starts(change.date, change.shift)
        where = f"{change.cadre} {change.date.isoformat()} {change.shift}"
        lost = change.before is not None and judge.cannot_serve(change.cadre, change.date, change.shift, change.before)
        if not lost:
            budgeted += 1
        if begins < judge.now_minute:
            problems.append(
                f"frozen past: {where} started before now but changed from {_describe(change.before)} "
                f"to {_describe(change.after)}"
            )
            continue
        if begins >= notice_end:
            continue
        called = (
            isinstance(change.before, StandbyCell)
            and isinstance(change.after, DutyCell)
            and change.after.checkpoint in ctx.checkpoints
            and ctx.checkpoints[change.after.checkpoint].community == change.before.standby
        )
        if change.before is not None and not lost and not called:
            problems.append(
                f"notice: {where} starts within {changes.notice_hours:g} h of now; its {_describe(change.before)} "
                "must be kept (the cadre can still serve it)"
            )
        if isinstance(change.after, StandbyCell):
            problems.append(
                f"notice: {where} starts within {changes.notice_hours:g} h of now; no standby is added there"
            )
        elif isinstance(change.after, DutyCell):
            added_at[(change.after.checkpoint, change.date, change.shift)].append(change.cadre)
    _check_additions(judge, old, new, before_cells, after_cells, added_at, problems)
    if changes.max_changes is not None and budgeted > changes.max_changes:
        problems.append(
            f"max_changes: {budgeted} changes not forced by the events, more than the {changes.max_changes} allowed"
        )
    return problems


def _compare_listed(new: Roster, diff: list[Change], problems: list[str]) -> None:
    if new.changes is None:
        problems.append(f"the roster lists no 'changes'; it differs from the old roster in {len(diff)} cells")
        return
    listed = {(change.cadre, change.date, change.shift): change for change in new.changes}
    actual = {(change.cadre, change.date, change.shift): change for change in diff}
    if len(listed) != len(new.changes):
        problems.append("changes: a (cadre, date, shift) is listed more than once")
    for cell, change in actual.items():
        shown = listed.get(cell)
        name = f"{cell[0]} {cell[1].isoformat()} {cell[2]}"
        if shown is None:
            problems.append(f"changes: {name} changed ({_describe(change.before)} -> {_describe(change.after)}) "
                            "but is not listed")
        elif shown.before != change.before or shown.after != change.after:
            problems.append(
                f"changes: {name} is listed as {_describe(shown.before)} -> {_describe(shown.after)}, "
                f"but it is {_describe(change.before)} -> {_describe(change.after)}"
            )
    for cell in listed.keys() - actual.keys():
        problems.append(f"changes: {cell[0]} {cell[1].isoformat()} {cell[2]} is listed but did not change")


def _check_additions(
    judge: _Judge,
    old: Roster,
    new: Roster,
    before_cells: dict[Cell, State],
    after_cells: dict[Cell, State],
    added_at: dict[tuple[str, date, str], list[str]],
    problems: list[str],
) -> None:
    """Inside the notice window: additions fill a shortfall, and callable standby are taken first."""
    on_duty: dict[tuple[str, date, str], int] = defaultdict(int)
    for duty in new.assignments:
        on_duty[(duty.checkpoint, duty.date, duty.shift)] += 1
    old_standby: dict[tuple[str, date, str], list[str]] = defaultdict(list)
    for standby in old.standby:
        old_standby[(standby.community, standby.date, standby.shift)].append(standby.cadre)
    for (checkpoint_id, when, shift_id), cadres in sorted(added_at.items()):
        rule = judge.ctx.demand.get((checkpoint_id, judge.ctx.day_of(when), shift_id))
        kept = [duty.cadre for duty in new.assignments
                if (duty.checkpoint, duty.date, duty.shift) == (checkpoint_id, when, shift_id)
                and before_cells.get((duty.cadre, when, shift_id)) == DutyCell(checkpoint=checkpoint_id)]
        room = 0
        if rule is not None:
            room = max(0, rule.min - len(kept))
            for skill, count in rule.skills.items():
                holding = sum(1 for cadre in kept if skill in judge.ctx.cadres[cadre].cadre.skills)
                room += max(0, count - holding)
        place = f"{checkpoint_id} {when.isoformat()} {shift_id}"
        if len(cadres) > room:
            problems.append(
                f"notice: {', '.join(sorted(cadres))} added at {place} within the notice window, but the "
                f"shortfall there left room for {room} (persons below its minimum plus skilled cadres missing; "
                "additions only fill a shortfall)"
            )
        checkpoint = judge.ctx.checkpoints.get(checkpoint_id)
        if checkpoint is None:
            continue
        community = checkpoint.community
        outsiders = [
            cadre for cadre in cadres if before_cells.get((cadre, when, shift_id)) != StandbyCell(standby=community)
        ]
        if not outsiders:
            continue
        for standby_cadre in old_standby[(community, when, shift_id)]:
            if not judge.could_take(standby_cadre, when, shift_id, checkpoint_id):
                continue
            now_holds = after_cells.get((standby_cadre, when, shift_id))
            called = isinstance(now_holds, DutyCell)
            if not called:
                problems.append(
                    f"notice: {', '.join(sorted(outsiders))} added at {place} while standby {standby_cadre} of "
                    f"{community} was not called (a callable standby is taken first)"
                )
