"""``schedule repair`` and ``schedule suggest`` (DESIGN.md section 7), and ``check --against``.

Registered on the main group by ``_register_subcommands()``. Bad input prints
every problem with its JSON path and exits with code 2, without a traceback
and without writing anything; no output may overwrite an input.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from models.changes import Changes
from models.instance import Instance
from models.loading import InputError, load_changes, load_instance, load_roster
from models.roster import Change, DutyCell, Roster, StandbyCell
from scheduler.cli import clock
from scheduler.cli.failing import fail_input, fail_message, lang_option
from scheduler.files import sha256_of, write_atomic
from scheduler.i18n import default_language, text

EXIT_CHECK_FAILED = 1
# Changes, moves and gaps the summary names one by one before it counts the rest.
SHOWN = 12

def _load_all(instance: Path, roster: Path, changes: Path | None, lang: str) -> tuple[Instance, Roster, Changes | None]:
    try:
        loaded = load_instance(instance)
        old = load_roster(roster)
        parsed = None if changes is None else load_changes(changes, loaded)
    except InputError as error:
        fail_input(error, lang)
    return loaded, old, parsed


def against_problems(instance: Instance, roster: Roster, against: Path | None, changes: Path | None,
                     lang: str | None) -> list[str]:
    """``check --against``: the section 7 problems of a repaired roster (empty without --against)."""
    from scheduler.checker.against import check_against

    lang = lang or default_language()
    if against is None:
        if changes is not None:
            raise click.UsageError("--changes goes with --against")
        return []
    if changes is None:
        raise click.UsageError("--against needs --changes (the changes file of the repair)")
    try:
        old = load_roster(against)
        parsed = load_changes(changes, None)  # the instance given is the updated one
    except InputError as error:
        fail_input(error, lang)
    return check_against(instance, roster, old, sha256_of(against), parsed)


def _describe(lang: str, state: DutyCell | StandbyCell | None) -> str:
    if state is None:
        return text(lang, "repair_free")
    if isinstance(state, DutyCell):
        return text(lang, "repair_duty", checkpoint=state.checkpoint)
    return text(lang, "repair_standby", community=state.standby)


def _same_file(first: Path, second: Path) -> bool:
    return first.resolve() == second.resolve()


@click.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("roster", type=click.Path(path_type=Path))
@click.argument("changes", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The repaired roster.")
@click.option("--instance-out", type=click.Path(path_type=Path), default=None,
              help="The updated instance (default: INSTANCE's name with .vN, next to --output).")
@click.option("--time-limit", type=float, default=8.0, show_default=True,
              help="Seconds for the whole repair: reading, building, searching, composing and checking.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="CP-SAT search workers.")
@click.option("--seed", type=int, default=0, show_default=True, help="CP-SAT random seed.")
@lang_option
def repair(instance: Path, roster: Path, changes: Path, output: Path, instance_out: Path | None, time_limit: float,
           workers: int, seed: int, lang: str | None) -> None:
    """Repair a published roster after the day's events (changes.json): few changes, the past kept."""
    from scheduler.checker import check
    from scheduler.checker.against import check_against, forced
    from scheduler.compose.roster import compose_roster
    from scheduler.repair.repair import RepairOptions
    from scheduler.repair.repair import repair as run_repair
    from scheduler.solver import SolveOptions

    lang = lang or default_language()
    started = clock.started  # the time limit counts from the command's start, imports included
    loaded, old, parsed = _load_all(instance, roster, changes, lang)
    assert parsed is not None
    version = (old.version or 1) + 1
    # instance.json -> instance.v2.json; instance.v2.json -> instance.v3.json
    base_name = re.sub(r"\.v\d+$", "", instance.stem)
    instance_out = instance_out or output.parent / f"{base_name}.v{version}{instance.suffix or '.json'}"
    for written in (output, instance_out):
        for given in (instance, roster, changes):
            if _same_file(written, given):
                fail_message(written, text(lang, "repair_overwrite", path=str(written)), lang)
    if _same_file(output, instance_out):
        fail_message(output, text(lang, "repair_same_outputs"), lang)
    try:
        # composing the roster file and checking it twice come after the search, within the limit
        kept_back = RepairOptions()
        reserve = kept_back.finish_reserve + kept_back.explain_seconds
        search_limit = max(time_limit - (time.monotonic() - started) - reserve, 0.5)
        outcome = run_repair(loaded, old, parsed, RepairOptions(time_limit=search_limit, workers=workers, seed=seed))
    except RuntimeError as error:
        click.echo(f"{text(lang, 'repair_none')}: {error}", err=True)
        sys.exit(EXIT_CHECK_FAILED)
    updated_text = json.dumps(outcome.updated.model_dump(mode="json", exclude_unset=True), indent=1,
                              ensure_ascii=False) + "\n"
    digest = hashlib.sha256(updated_text.encode("utf-8")).hexdigest()
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    composed = compose_roster(outcome.updated, digest, outcome.result, options,
                              explain_until=started + time_limit - kept_back.finish_reserve)
    repaired = composed.model_copy(update={"version": version, "based_on": sha256_of(roster),
                                           "changes": outcome.changes})
    # every roster written passes the checker, section 7 included: never write one that does not
    problems = check(outcome.updated, repaired).lines()
    problems += check_against(outcome.updated, repaired, old, sha256_of(roster), parsed)
    if problems:
        click.echo(text(lang, "internal_error"), err=True)
        for problem in problems[:SHOWN]:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_CHECK_FAILED)
    write_atomic(instance_out, updated_text)
    write_atomic(output, repaired.model_dump_json(indent=2) + "\n")
    budgeted = [change for change in outcome.changes if not forced(outcome.updated, parsed, change)]
    _print_repair(lang, parsed, old, repaired, outcome.changes, budgeted, outcome.coverage_without_budget,
                  time.monotonic() - started, {shift.id: shift.start for shift in outcome.updated.shifts})
    click.echo(text(lang, "wrote", path=str(instance_out)))
    click.echo(text(lang, "wrote", path=str(output)))


def _print_repair(lang: str, changes: Changes, old: Roster, repaired: Roster, listed: list[Change],
                  budgeted: list[Change], without_budget: float | None, seconds: float,
                  shift_starts: dict[str, str]) -> None:
    echo = click.echo
    forced_count = len(listed) - len(budgeted)
    echo(text(lang, "repair_summary", changes=len(listed), forced=forced_count, budgeted=len(budgeted),
              seconds=f"{seconds:.1f}"))
    if changes.max_changes is not None:
        echo(text(lang, "repair_budget", used=len(budgeted), budget=changes.max_changes))
        coverage_now = repaired.objective.stages[0].value if repaired.objective.stages else None
        if without_budget is not None and coverage_now is not None and without_budget < coverage_now - 1e-9:
            echo(text(lang, "repair_budget_cost", now=f"{coverage_now:g}", better=f"{without_budget:g}"))
        elif without_budget is not None:
            echo(text(lang, "repair_budget_free"))
    called = [change for change in listed
              if isinstance(change.before, StandbyCell) and isinstance(change.after, DutyCell)]
    moved = [change for change in listed if isinstance(change.after, DutyCell) and change not in called]
    removed = [change for change in listed if change.after is None]
    for heading, group in (("repair_called", called), ("repair_now_where", moved)):
        if not group:
            continue
        echo(text(lang, heading, count=len(group)))
        for change in group[:SHOWN]:
            echo(f"  {change.cadre} {change.date} {change.shift}: {_describe(lang, change.before)} -> "
                 f"{_describe(lang, change.after)}")
        if len(group) > SHOWN:
            echo(f"  ... {len(group) - SHOWN} {text(lang, 'more')}")
    if removed:
        echo(text(lang, "repair_removed", count=len(removed)))
    today = changes.now.date()
    gaps = [shortfall for shortfall in repaired.shortfalls if shortfall.date >= today]
    old_gaps = {(item.checkpoint, item.date, item.shift) for item in old.shortfalls}
    echo(text(lang, "repair_gaps", count=len(gaps), new=sum(
        1 for item in gaps if (item.checkpoint, item.date, item.shift) not in old_gaps)))
    for shortfall in gaps[:SHOWN]:
        within = _within_notice(changes, shortfall.date, shift_starts[shortfall.shift])
        note = f" {text(lang, 'repair_within_notice')}" if within else ""
        echo(f"  {shortfall.checkpoint} {shortfall.date} {shortfall.shift} ({shortfall.assigned}/{shortfall.min}):"
             f"{note} {shortfall.reason}")
    if len(gaps) > SHOWN:
        echo(f"  ... {len(gaps) - SHOWN} {text(lang, 'more')}")


def _within_notice(changes: Changes, when: date, start: str) -> bool:
    """Whether a shift starting at ``start`` on ``when`` begins inside the notice window."""
    hour, minute = (int(part) for part in start.split(":"))
    begins = datetime(when.year, when.month, when.day, hour, minute)
    return changes.now <= begins < changes.now + timedelta(hours=changes.notice_hours)
@click.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("roster", type=click.Path(path_type=Path))
@click.option("--checkpoint", default=None, help="A gap to fill: this checkpoint (with --date and --shift).")
@click.option("--cadre", default=None, help="Who replaces this cadre there (with --date and --shift).")
@click.option("--date", "when", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="YYYY-MM-DD.")
@click.option("--shift", required=True, help="Shift id.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Candidates listed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for tools.")
@lang_option
def suggest(instance: Path, roster: Path, checkpoint: str | None, cadre: str | None, when: object, shift: str,
            limit: int, as_json: bool, lang: str | None) -> None:
    """Who can take a duty: a gap at --checkpoint, or --cadre's duty; ranked, with costs and reasons."""
    from scheduler.repair.suggest import SuggestError, suggest_candidates

    lang = lang or default_language()
    if (checkpoint is None) == (cadre is None):
        raise click.UsageError("give exactly one of --checkpoint and --cadre")
    loaded, old, _ = _load_all(instance, roster, None, lang)
    day = when.date()  # type: ignore[attr-defined]
    try:
        answer = suggest_candidates(loaded, old, day, shift, checkpoint=checkpoint, cadre=cadre, limit=limit)
    except SuggestError as error:
        fail_message(roster, str(error), lang)
    if as_json:
        click.echo(json.dumps(answer.as_json(), indent=2, ensure_ascii=False))
        return
    click.echo(text(lang, "suggest_for", what=answer.what, count=len(answer.candidates)))
    for rank, candidate in enumerate(answer.candidates, start=1):
        click.echo(f"  {rank}. [{text(lang, 'suggest_kind_' + candidate.kind)}] {candidate.summary(lang)}")
        click.echo(f"     {text(lang, 'suggest_cost')}: {candidate.cost_words(lang)}")
    if answer.cannot:
        click.echo(text(lang, "suggest_cannot", count=len(answer.cannot)))
        for cadre_id, reason in answer.cannot[:SHOWN]:
            click.echo(f"  {cadre_id}: {reason}")
        if len(answer.cannot) > SHOWN:
            click.echo(f"  ... {len(answer.cannot) - SHOWN} {text(lang, 'more')}")
