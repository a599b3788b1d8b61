"""Applying a changes file's events to an instance: the updated instance of DESIGN.md section 7.

A pure function: the instance given is not touched. On the date of ``now`` an
absence or a recall covers only the shifts that start at or after ``now``
(those shifts alone become unavailable), so the past never changes; a cadre
who joins is unavailable before ``now``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.changes import Absent, Changes, Closed, DemandChange, Joined, Opened, Recalled
from models.instance import Cadre, Checkpoint, DemandRule, Instance, Unavailability


def _horizon_dates(instance: Instance) -> list[date]:
    return [instance.horizon.start + timedelta(days=offset) for offset in range(instance.horizon.days)]


def _shift_starts(instance: Instance, when: date) -> dict[str, datetime]:
    starts = {}
    for shift in instance.shifts:
        hour, minute = (int(part) for part in shift.start.split(":"))
        starts[shift.id] = datetime(when.year, when.month, when.day, hour, minute)
    return starts


def shifts_from(instance: Instance, when: date, now: datetime, wanted: list[str] | None) -> list[str] | None:
    """The shifts of ``wanted`` (None: all) on ``when`` that start at or after ``now``, in instance order;
    None means every shift of the day (a wholly unavailable day)."""
    starts = _shift_starts(instance, when)
    every = [shift.id for shift in instance.shifts]
    chosen = [shift_id for shift_id in every if (wanted is None or shift_id in wanted) and starts[shift_id] >= now]
    if wanted is None and chosen == every:
        return None
    return chosen


def _make_unavailable(cadre: Cadre, dates: list[date], instance: Instance, now: datetime,
                      shifts: list[str] | None) -> Cadre:
    """``cadre`` unavailable on ``dates`` (only shifts starting at or after now); entries merged per date."""
    entries = {entry.date: entry for entry in cadre.unavailable}
    for when in dates:
        blocked = shifts_from(instance, when, now, shifts)
        if blocked == []:
            continue
        old = entries.get(when)
        if old is None:
            entries[when] = Unavailability(date=when, shifts=blocked)
        elif old.shifts is None or blocked is None:
            entries[when] = Unavailability(date=when, shifts=None)
        else:
            union = set(old.shifts) | set(blocked)
            ordered_union = [shift.id for shift in instance.shifts if shift.id in union]
            entries[when] = Unavailability(date=when, shifts=ordered_union)
    ordered = [entries[when] for when in sorted(entries)]
    return cadre.model_copy(update={"unavailable": ordered})


def apply_events(instance: Instance, changes: Changes) -> Instance:
    """The updated instance: ``instance`` with every event of ``changes`` applied (in file order)."""
    now = changes.now
    dates = _horizon_dates(instance)
    last = dates[-1]
    shift_ids = [shift.id for shift in instance.shifts]
    cadres = [cadre.model_copy() for cadre in instance.cadres]
    checkpoints = [checkpoint.model_copy() for checkpoint in instance.checkpoints]
    position = {cadre.id: index for index, cadre in enumerate(cadres)}
    where = {checkpoint.id: index for index, checkpoint in enumerate(checkpoints)}
    for event in changes.events:
        if isinstance(event, Absent):
            span = [when for when in dates if event.from_ <= when <= event.to]
            index = position[event.cadre]
            cadres[index] = _make_unavailable(cadres[index], span, instance, now, event.shifts)
        elif isinstance(event, Recalled):
            span = [when for when in dates if event.from_ <= when <= last]
            index = position[event.cadre]
            cadres[index] = _make_unavailable(cadres[index], span, instance, now, None)
        elif isinstance(event, Joined):
            before = [when for when in dates if when <= now.date()]
            joined = event.cadre
            position[joined.id] = len(cadres)
            cadres.append(joined)
            # available from now: every shift that starts before now is closed to the new cadre
            index = position[joined.id]
            for when in before:
                starts = _shift_starts(instance, when)
                early = [shift_id for shift_id in shift_ids if starts[shift_id] < now]
                if early:
                    cadres[index] = _make_unavailable(
                        cadres[index], [when], instance, datetime.min, early
                    )
        elif isinstance(event, Opened):
            where[event.checkpoint.id] = len(checkpoints)
            checkpoints.append(event.checkpoint)
        elif isinstance(event, DemandChange):
            index = where[event.checkpoint]
            for rule in _from_now(instance, event.rule, now):
                checkpoints[index] = _split_dated(checkpoints[index], rule, shift_ids)
        elif isinstance(event, Closed):
            index = where[event.checkpoint]
            closed = DemandRule(dates=[when for when in dates if when >= event.from_], min=0, target=0, max=0)
            for rule in _from_now(instance, closed, now):
                checkpoints[index] = _split_dated(checkpoints[index], rule, shift_ids)
    return instance.model_copy(update={"cadres": cadres, "checkpoints": checkpoints})


def _from_now(instance: Instance, rule: DemandRule, now: datetime) -> list[DemandRule]:
    """``rule`` as rules that leave alone every shift started before ``now`` (on now's date, the
    shifts already begun keep the demand they had)."""
    today = now.date()
    if today not in rule.dates:
        return [rule]
    later = [when for when in rule.dates if when != today]
    parts = [rule.model_copy(update={"dates": later})] if later else []
    shifts = shifts_from(instance, today, now, rule.shifts)
    if shifts is None:
        parts.append(rule.model_copy(update={"dates": [today]}))
    elif shifts:
        parts.append(rule.model_copy(update={"dates": [today], "shifts": shifts}))
    return parts


def _split_dated(checkpoint: Checkpoint, new_rule: DemandRule, shift_ids: list[str]) -> Checkpoint:
    """``checkpoint`` with the dated ``new_rule`` added; older dated rules give up exactly the dates and
    shifts the new rule decides (two dated rules may not overlap, DESIGN.md section 3)."""
    taken_dates = set(new_rule.dates)
    taken_shifts = set(shift_ids if new_rule.shifts is None else new_rule.shifts)
    rules: list[DemandRule] = []
    for rule in checkpoint.demand:
        overlap = [when for when in rule.dates if when in taken_dates]
        own_shifts = shift_ids if rule.shifts is None else rule.shifts
        if not overlap or not set(own_shifts) & taken_shifts:
            rules.append(rule)
            continue
        kept_dates = [when for when in rule.dates if when not in taken_dates]
        if kept_dates:
            rules.append(rule.model_copy(update={"dates": kept_dates}))
        left = [shift_id for shift_id in own_shifts if shift_id not in taken_shifts]
        if left:
            rules.append(rule.model_copy(update={"dates": overlap, "shifts": left}))
    rules.append(new_rule)
    return checkpoint.model_copy(update={"demand": rules})
