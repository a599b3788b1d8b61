"""Daily repair benchmark: a town played day by day (issue 25, DESIGN.md section 7).

Each morning at 06:00 every cadre is absent that day and the next with
probability ``--absence`` (seeded); the roster is repaired (``schedule
repair``'s library call) and the day is served as repaired: the next morning
starts from the repaired roster and the updated instance. Per day and in
total it reports, over the shifts that start at or after that morning's
``now`` (today's shifts that began before it are the past: neither the
repair nor a new solve can change what happened; ``won_back_with_past``
counts them as earlier tables did, where a full solve of the updated
instance, which knows no past, may cover them differently):

- ``struck``: minimum missing when the absent cadres' shifts are simply struck
  (persons below ``min`` plus skills missing, as the checker counts them);
- ``repaired``: the same for the repaired roster;
- ``full``: the same for a full solve of the updated instance (``--full-seconds``;
  0 leaves it out);
- ``won back``: (struck - repaired) / (struck - full), the share of what a new
  solve wins back that the repair wins back (the issue's target: 95 %);
- with ``--replan-seconds``, ``re-plan``: the same for a new solve from now
  with the past kept as it happened (``replan_from_now``);
- with ``--window-bound``, the least minimum missing inside the notice window
  that any roster keeping section 7 can have, proven by CP-SAT where it says
  so (``least_missing_inside``): a new solve may move duties that people
  have been told; a repair may not, so no repair can do better there;
- ``changes/lost``: changes the repair made (the absent cadres' own removed
  shifts not counted) per duty lost to the absences (target 1.5);
- ``standby share``: standby called among the duties the repair added;
- seconds of the repair call, and of composing and checking its roster.

Every repaired roster is checked by the independent checker, with the
section 7 checks of ``check --against``; a failure is reported and counted.
``--shock-day D`` adds one more run: from the starting roster, 30 % of the
cadres absent at once on day D (and the next).

    python benchmarks/repair.py --roster town14.roster.json --workers 2 --full-seconds 20

``--keep DIR`` writes each day's inputs and repaired roster; ``--replay DIR``
repairs those days again, each from its own inputs, so that variants
(``--setting NAME=VALUE``) are compared on the same days; ``--max-changes N``
gives every day (played or replayed) that budget of changes the events did not force:

    python benchmarks/repair.py --replay days/ --full-seconds 0 --setting repair_open_gaps=false
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from ortools.sat.python import cp_model

from models.changes import Changes
from models.instance import Instance
from models.loading import load_instance, load_roster, parse_changes
from models.roster import Assignment, DutyCell, Roster, StandbyAssignment
from scheduler.checker import check, evaluate
from scheduler.checker.against import check_against
from scheduler.compose.roster import compose_roster
from scheduler.model.calendar import Calendar
from scheduler.model.objective import coverage
from scheduler.repair.model import RepairModel, RepairPlan, build_repair_model, old_solution_hint
from scheduler.repair.repair import RepairOptions, repair
from scheduler.search.settings import settings_with
from scheduler.solver import SolveOptions, roster_of, solve

OLD_SHA = "benchmark"


@dataclass
class DayFigures:
    day: str
    absent: int
    lost_duties: int
    struck: int  # from now on (the shifts that began before now are the past: nothing changes them)
    repaired: int
    full: int | None
    won_back: float | None
    # today's shifts that began before now: the same in the struck and the repaired roster (the frozen
    # past); a full solve, which knows no past, may cover them differently (earlier tables counted them)
    past: int
    full_past: int | None
    won_back_with_past: float | None
    struck_inside: int  # of struck: inside the notice window (where only standby calls and additions may help)
    repaired_inside: int
    full_inside: int | None
    won_back_after_notice: float | None  # won back over the shifts after the notice window alone
    # a new solve from now with the past kept as it happened (replan_from_now)
    replan: int | None
    replan_inside: int | None
    won_back_replan: float | None
    # the least missing inside the notice window under section 7 (least_missing_inside), and if proven
    inside_bound: int | None
    inside_bound_proven: bool | None
    budgeted_changes: int
    changes_per_lost: float | None
    standby_calls: int
    duties_added: int
    repair_seconds: float
    compose_check_seconds: float
    focused: bool
    check_problems: int


def missing_from(instance: Instance, assignments: list[Assignment], standby: list[StandbyAssignment],
                 changes: Changes) -> tuple[int, int, int]:
    """Persons below min plus skills missing (the checker's count) over the checkpoint-shifts from now's date
    on: (those of now's date that began before now, inside the notice window, after it)."""
    evaluation = evaluate(instance, assignments, standby)
    starts = {shift.id: shift.start for shift in instance.shifts}
    notice_end = changes.now + timedelta(hours=changes.notice_hours)
    past = inside = after = 0
    for item in evaluation.shortfalls:
        if item.date < changes.now.date():
            continue
        missing = max(item.min - item.assigned, 0) + sum(item.skills_missing.values())
        begins = datetime.combine(item.date, datetime.strptime(starts[item.shift], "%H:%M").time())
        if begins < changes.now:
            past += missing
        elif begins < notice_end:
            inside += missing
        else:
            after += missing
    return past, inside, after


def solved_from_old(model: RepairModel, plan: RepairPlan, seconds: float, workers: int,
                    seed: int) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """CP-SAT run on a repair model with its objective set, from the old roster less what was struck."""
    hint = old_solution_hint(model, plan)
    model.cp.proto.solution_hint.vars.extend(list(hint))
    model.cp.proto.solution_hint.values.extend(list(hint.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver, solver.solve(model.cp)


def replan_from_now(updated: Instance, roster: Roster, changes: Changes, seconds: float, workers: int,
                    seed: int) -> tuple[list[Assignment], list[StandbyAssignment]]:
    """A new solve of the updated instance from now on: what began before now is kept as it happened
    (the frozen past of section 7), everything after it is free (no notice, no few changes), and the
    whole ``seconds`` go to minimum coverage, from the old roster with the struck entries left out."""
    calendar = Calendar(updated)
    plan = RepairPlan.of(calendar, roster, changes.now, 0.0, None, None)  # every day from now's date open
    model = build_repair_model(calendar, plan)
    model.cp.minimize(coverage(model).expr)
    solver, status = solved_from_old(model, plan, seconds, workers, seed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], []
    return roster_of(model, list(solver.response_proto.solution))


def least_missing_inside(updated: Instance, roster: Roster, changes: Changes, seconds: float,
                         workers: int) -> tuple[int, bool]:
    """The least minimum missing (persons below ``min`` plus skills, as ``missing_from`` counts) inside the
    notice window that any roster under section 7 can have: every day from now's date open, what began
    before now kept, the window's old entries kept (standby may be called), only shortfalls filled there.
    Returns (CP-SAT's bound on it, whether the bound is proven tight by a roster that reaches it)."""
    calendar = Calendar(updated)
    plan = RepairPlan.of(calendar, roster, changes.now, changes.notice_hours, None, None)
    model = build_repair_model(calendar, plan)
    skills_of = {cadre.id: cadre.skills for cadre in updated.cadres}
    missing: list[cp_model.IntVar] = []
    for cell, rule in calendar.demand.items():
        if not plan.now_minute <= calendar.slots[cell[1:]].start < plan.notice_end:
            continue
        holders = model.vars.duty_by_cell.get(cell, [])
        for skill, need in [(None, rule.min), *rule.skills.items()]:
            if need > 0:
                counted = [variable for cadre_id, variable in holders if skill is None or skill in skills_of[cadre_id]]
                short = model.cp.new_int_var(0, need, f"short[{cell},{skill}]")
                model.cp.add(sum(counted) + short >= need)
                missing.append(short)
    model.cp.minimize(sum(missing))
    solver, status = solved_from_old(model, plan, seconds, workers, 0)
    return math.ceil(solver.best_objective_bound - 1e-6), status == cp_model.OPTIMAL


def absences(instance: Instance, day: date, last: date, share: float, rng: random.Random) -> list[dict[str, str]]:
    to = min(day + timedelta(days=1), last)
    return [{"kind": "absent", "cadre": cadre.id, "from": day.isoformat(), "to": to.isoformat()}
            for cadre in instance.cadres if rng.random() < share]


def play_day(instance: Instance, roster: Roster, changes: Changes, args: argparse.Namespace,
             ) -> tuple[DayFigures, Instance, Roster]:
    today = changes.now.date()
    started = time.monotonic()
    outcome = repair(instance, roster, changes,
                     RepairOptions(time_limit=args.repair_seconds, workers=args.workers, seed=args.seed,
                                   settings=settings_with(args.setting)))
    repair_seconds = time.monotonic() - started
    started = time.monotonic()
    composed = compose_roster(outcome.updated, "benchmark", outcome.result,
                              SolveOptions(time_limit=args.repair_seconds, workers=args.workers), explain=False)
    repaired = composed.model_copy(update={"version": (roster.version or 1) + 1, "based_on": OLD_SHA,
                                           "changes": outcome.changes})
    problems = check(outcome.updated, repaired).lines()
    problems += check_against(outcome.updated, repaired, roster, OLD_SHA, changes)
    compose_seconds = time.monotonic() - started
    for problem in problems[:5]:
        print(f"  CHECK FAILED {today}: {problem}", file=sys.stderr)
    forced_cells = {(change.cadre, change.date, change.shift) for change in outcome.forced}
    struck_duties = [item for item in roster.assignments if (item.cadre, item.date, item.shift) not in forced_cells]
    struck_standby = [item for item in roster.standby if (item.cadre, item.date, item.shift) not in forced_cells]
    struck_split = missing_from(outcome.updated, struck_duties, struck_standby, changes)
    repaired_split = missing_from(outcome.updated, repaired.assignments, repaired.standby, changes)
    struck, repaired_missing = sum(struck_split[1:]), sum(repaired_split[1:])
    full = None
    full_split = None
    if args.full_seconds > 0:
        result = solve(outcome.updated, SolveOptions(time_limit=args.full_seconds, workers=args.workers,
                                                     seed=args.seed))
        full_split = missing_from(outcome.updated, result.assignments, result.standby, changes)
        full = sum(full_split[1:])
    replan = replan_split = None
    if args.replan_seconds > 0:
        replanned = replan_from_now(outcome.updated, roster, changes, args.replan_seconds, args.workers, args.seed)
        replan_split = missing_from(outcome.updated, *replanned, changes)
        replan = sum(replan_split[1:])
    inside_bound = proven = None
    if args.window_bound > 0:
        inside_bound, proven = least_missing_inside(outcome.updated, roster, changes, args.window_bound, args.workers)
    lost = sum(1 for change in outcome.forced if isinstance(change.before, DutyCell) and change.date >= today)
    added = [change for change in outcome.changes if isinstance(change.after, DutyCell)]
    won_back = won_back_after = won_back_with_past = None
    if full is not None and struck - full > 0:
        won_back = (struck - repaired_missing) / (struck - full)
    if full_split is not None and sum(struck_split) - sum(full_split) > 0:
        won_back_with_past = (sum(struck_split) - sum(repaired_split)) / (sum(struck_split) - sum(full_split))
    if full_split is not None and struck_split[2] - full_split[2] > 0:
        won_back_after = (struck_split[2] - repaired_split[2]) / (struck_split[2] - full_split[2])
    figures = DayFigures(
        day=today.isoformat(), absent=len(changes.events), lost_duties=lost, struck=struck,
        repaired=repaired_missing, full=full, won_back=won_back, past=struck_split[0],
        full_past=None if full_split is None else full_split[0], won_back_with_past=won_back_with_past,
        struck_inside=struck_split[1], repaired_inside=repaired_split[1],
        full_inside=None if full_split is None else full_split[1],
        won_back_after_notice=won_back_after, replan=replan,
        replan_inside=None if replan_split is None else replan_split[1],
        won_back_replan=(struck - repaired_missing) / (struck - replan) if replan is not None and struck > replan
        else None, inside_bound=inside_bound, inside_bound_proven=proven, budgeted_changes=outcome.budgeted,
        changes_per_lost=outcome.budgeted / lost if lost else None, standby_calls=len(outcome.called),
        duties_added=len(added), repair_seconds=round(repair_seconds, 2),
        compose_check_seconds=round(compose_seconds, 2), focused=outcome.focused, check_problems=len(problems),
    )
    return figures, outcome.updated, repaired


def show(figures: DayFigures) -> None:
    won = "-" if figures.won_back is None else f"{100 * figures.won_back:.0f} %"
    after = "-" if figures.won_back_after_notice is None else f"{100 * figures.won_back_after_notice:.0f} %"
    full_inside = "-" if figures.full_inside is None else str(figures.full_inside)
    per_lost = "-" if figures.changes_per_lost is None else f"{figures.changes_per_lost:.2f}"
    full = "-" if figures.full is None else str(figures.full)
    bound = "" if figures.inside_bound is None else (
        f", least possible {figures.inside_bound}{'' if figures.inside_bound_proven else ' (bound)'}")
    replanned = "" if figures.replan is None else f" (re-plan {figures.replan}, {figures.replan_inside} inside)"
    print(f"{figures.day}  absent {figures.absent:3d}  lost {figures.lost_duties:3d}  missing struck "
          f"{figures.struck:3d} repaired {figures.repaired:3d} full {full:>3}"
          f" (notice window {figures.struck_inside}/{figures.repaired_inside}/{full_inside}{bound}; before now"
          f" {figures.past}/{figures.past}/{'-' if figures.full_past is None else figures.full_past})"
          f"  won back {won:>6}{replanned}"
          f" (after the window {after:>6})  changes {figures.budgeted_changes:3d} ({per_lost}/lost)  standby "
          f"{figures.standby_calls:3d}/{figures.duties_added:3d}  {figures.repair_seconds:.2f} s "
          f"(+{figures.compose_check_seconds:.2f} s check)  {'narrowed' if figures.focused else 'whole future'}"
          f"{'  CHECK FAILED' if figures.check_problems else ''}")


def totals(days: list[DayFigures]) -> dict[str, object]:
    with_full = [item for item in days if item.full is not None]
    struck = sum(item.struck for item in with_full)
    repaired = sum(item.repaired for item in with_full)
    full = sum(item.full or 0 for item in with_full)
    lost = sum(item.lost_duties for item in days)
    added = sum(item.duties_added for item in days)
    struck_after = sum(item.struck - item.struck_inside for item in with_full)
    repaired_after = sum(item.repaired - item.repaired_inside for item in with_full)
    full_after = sum((item.full or 0) - (item.full_inside or 0) for item in with_full)
    past = sum(item.past for item in with_full)
    with_bound = all(item.inside_bound is not None for item in with_full) and bool(with_full)
    inside_least = sum(item.inside_bound or 0 for item in with_full)
    with_replan = all(item.replan is not None for item in days) and bool(days)
    replan = sum(item.replan or 0 for item in days)
    full_past = sum(item.full_past or 0 for item in with_full)
    return {
        "days": len(days),
        "won_back": round((struck - repaired) / (struck - full), 3) if with_full and struck > full else None,
        "won_back_with_past": round((struck - repaired) / (struck + past - full - full_past), 3)
        if with_full and struck + past > full + full_past else None,
        "missing_before_now_kept_full": [past, full_past],
        "won_back_replan": round((struck - repaired) / (struck - replan), 3) if with_replan and struck > replan
        else None,
        "missing_replan": replan if with_replan else None,
        "missing_inside_notice_replan": sum(item.replan_inside or 0 for item in days) if with_replan else None,
        # the most a repair can win back under section 7 if it matched the full solve after the window
        "missing_inside_notice_least": inside_least if with_bound else None,
        "won_back_most_under_notice": round((struck - inside_least - full_after) / (struck - full), 3)
        if with_bound and with_full and struck > full else None,
        "won_back_after_notice": round((struck_after - repaired_after) / (struck_after - full_after), 3)
        if with_full and struck_after > full_after else None,
        "missing_inside_notice_struck_repaired_full": [sum(item.struck_inside for item in with_full),
                                                       sum(item.repaired_inside for item in with_full),
                                                       sum(item.full_inside or 0 for item in with_full)],
        # over every day (the won-back shares above compare only the days with a full solve)
        "missing_struck": sum(item.struck for item in days), "missing_repaired": sum(item.repaired for item in days),
        "missing_full": full if with_full else None,
        "changes_per_lost": round(sum(item.budgeted_changes for item in days) / lost, 3) if lost else None,
        "standby_share": round(sum(item.standby_calls for item in days) / added, 3) if added else None,
        "repair_seconds_max": max((item.repair_seconds for item in days), default=0.0),
        "repair_seconds_mean": round(sum(item.repair_seconds for item in days) / len(days), 2) if days else 0.0,
        "check_failures": sum(1 for item in days if item.check_problems),
    }


def keep_day(folder: Path, today: date, instance: Instance, roster: Roster, changes: Changes,
             repaired: Roster) -> None:
    """The day's inputs and output as files, so that one repair can be run again on its own."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, item in (("instance", instance), ("roster", roster), ("changes", changes), ("repaired", repaired)):
        data = item.model_dump(mode="json", by_alias=True, exclude_unset=True)
        (folder / f"{today.isoformat()}.{name}.json").write_text(json.dumps(data, ensure_ascii=False) + "\n",
                                                                 encoding="utf-8")


def replay(args: argparse.Namespace) -> int:
    """Repair every day kept in ``args.replay`` from its own kept inputs (not from the day before)."""
    days: list[DayFigures] = []
    for kept in sorted(args.replay.glob("*.changes.json")):
        stem = kept.name.split(".")[0]
        instance = load_instance(args.replay / f"{stem}.instance.json")
        roster = load_roster(args.replay / f"{stem}.roster.json")
        changes = parse_changes(json.loads(kept.read_text(encoding="utf-8")), instance)
        if args.max_changes is not None:
            changes = changes.model_copy(update={"max_changes": args.max_changes})
        figures, _, _ = play_day(instance, roster, changes, args)
        days.append(figures)
        show(figures)
    summary = {"daily": [asdict(item) for item in days], "total": totals(days)}
    print("total:", json.dumps(summary["total"]))
    if args.json is not None:
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 1 if any(item.check_problems for item in days) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, default=Path("instances/town14.json"))
    parser.add_argument("--roster", type=Path, default=None, help="The published roster (default: solve first).")
    parser.add_argument("--solve-seconds", type=float, default=60.0, help="Solving the starting roster.")
    parser.add_argument("--absence", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repair-seconds", type=float, default=3.5, help="Building and searching a repair.")
    parser.add_argument("--full-seconds", type=float, default=20.0, help="Full solve per day (0: none).")
    parser.add_argument("--replan-seconds", type=float, default=0.0,
                        help="Also a new solve from now, the past kept, per day (0: none).")
    parser.add_argument("--window-bound", type=float, default=0.0,
                        help="Also the least missing inside the notice window under section 7 (seconds; 0: none).")
    parser.add_argument("--notice-hours", type=float, default=12.0,
                        help="The changes files' notice_hours (DESIGN.md section 7; 12 is its default).")
    parser.add_argument("--days", type=int, default=None, help="Days played (default: the whole horizon).")
    parser.add_argument("--max-changes", type=int, default=None,
                        help="The changes files' max_changes (DESIGN.md section 7), also on days replayed.")
    parser.add_argument("--shock-day", type=int, default=None, help="Also a 30 %% shock on this day index.")
    parser.add_argument("--json", type=Path, default=None, help="Write the figures here.")
    parser.add_argument("--keep", type=Path, default=None,
                        help="Write each day's instance, changes and repaired roster into this folder.")
    parser.add_argument("--replay", type=Path, default=None,
                        help="Repair each day kept in this folder (--keep) again, from its own inputs: every "
                             "variant then repairs the same days.")
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="A search setting for the repairs (repeatable), as schedule solve --setting.")
    args = parser.parse_args()
    try:
        settings_with(args.setting)  # a wrong name or value stops here, before any work
    except ValueError as error:
        parser.error(f"--setting {error}")
    if args.replay is not None:
        return replay(args)

    instance = load_instance(args.instance)
    if args.roster is not None:
        start_roster = load_roster(args.roster)
    else:
        from scheduler.compose.roster import compose_roster as compose

        result = solve(instance, SolveOptions(time_limit=args.solve_seconds, workers=args.workers, seed=args.seed))
        start_roster = compose(instance, "benchmark", result, SolveOptions(), explain=False)
    first = instance.horizon.start
    last = first + timedelta(days=instance.horizon.days - 1)
    rng = random.Random(args.seed)
    played = min(args.days or instance.horizon.days, instance.horizon.days)
    days: list[DayFigures] = []
    current_instance, current_roster = instance, start_roster
    for offset in range(played):
        today = first + timedelta(days=offset)
        events = absences(current_instance, today, last, args.absence, rng)
        changes = parse_changes({"now": datetime.combine(today, datetime.min.time()).replace(hour=6)
                                 .strftime("%Y-%m-%dT%H:%M"), "events": events,
                                 "notice_hours": args.notice_hours, "max_changes": args.max_changes},
                                current_instance)
        before_instance, before_roster = current_instance, current_roster
        figures, current_instance, current_roster = play_day(current_instance, current_roster, changes, args)
        if args.keep is not None:
            keep_day(args.keep, today, before_instance, before_roster, changes, current_roster)
        days.append(figures)
        show(figures)
    summary: dict[str, object] = {"daily": [asdict(item) for item in days], "total": totals(days)}
    print("total:", json.dumps(summary["total"]))
    if args.shock_day is not None:
        today = first + timedelta(days=args.shock_day)
        events = absences(instance, today, last, 0.30, random.Random(args.seed + 1000))
        changes = parse_changes({"now": f"{today.isoformat()}T06:00", "events": events,
                                 "notice_hours": args.notice_hours, "max_changes": args.max_changes}, instance)
        figures, _, _ = play_day(instance, start_roster, changes, args)
        print("shock day (30 % absent):")
        show(figures)
        summary["shock"] = asdict(figures)
    if args.json is not None:
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    failures = sum(1 for item in days if item.check_problems) + int(
        bool(summary.get("shock")) and bool(summary["shock"]["check_problems"]))  # type: ignore[index]
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
